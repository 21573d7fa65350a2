import CivicDomain
import CivicRPC

/// The one place where a domain's refusal becomes a wire status: every service's handlers
/// throw domain errors as they are, and the server sends what this says.
public enum DomainErrorMapping {
    public static func statusCode(_ kind: DomainError.Kind) -> StatusCode {
        switch kind {
        case .invalid: .invalidArgument
        case .failedPrecondition: .failedPrecondition
        case .notFound: .notFound
        case .alreadyExists: .alreadyExists
        case .permissionDenied: .permissionDenied
        case .resourceExhausted: .resourceExhausted
        }
    }

    public static func rpcError(_ error: DomainError) -> RPCError {
        RPCError(statusCode(error.kind), error.message, details: error.problems.map(ErrorDetail.init(problem:)))
    }
}

extension ErrorDetail {
    public init(problem: FieldProblem) {
        self.init(field: problem.field, reason: problem.reason, description: problem.description)
    }
}

extension DomainError: RPCErrorConvertible {
    public var rpcError: RPCError { DomainErrorMapping.rpcError(self) }
}

extension ValidationErrors: RPCErrorConvertible {
    public var rpcError: RPCError { DomainErrorMapping.rpcError(domainError) }
}
