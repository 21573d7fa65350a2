import CivicDomain
import EnforcementDomain

/// What the enforcement tests share.
enum Samples {
    static func day(_ text: String) -> CivilDate { CivilDate(text)! }

    /// The problems a refusal names, "field REASON" each (empty when nothing was refused).
    static func reasons(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let error as DomainError {
            return error.problems.map { "\($0.field) \($0.reason)" }
        } catch let errors as ValidationErrors {
            return errors.details.map { "\($0.field) \($0.reason)" }
        } catch { return ["\(error)"] }
    }
}
