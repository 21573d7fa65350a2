import CivicDomain
import OrganizationsDomain

/// Fixtures the organizations tests share: dates, credit codes with their check characters,
/// and a registered body of each type in 文峰区 of 安阳 (410502).
enum OrgSamples {
    static func day(_ text: String) -> CivilDate { CivilDate(text)! }

    /// A credit code from its first 17 characters, with its check character.
    static func code(_ first17: String) -> String { first17 + String(UnifiedSocialCreditCode.checkCharacter(for: first17)!) }

    static let county = try! DivisionCode("410502")
    static let city = try! DivisionCode("410500")

    /// 安阳市文峰区书法协会: a 社会团体 with a sponsor, registered 2019-04-10.
    static func calligraphy() -> Organization {
        Organization(
            id: "O000001", creditCode: code("51410502MJ0000001"), name: "安阳市文峰区书法协会", type: .socialGroup, sponsor: "文峰区文化广电和旅游局",
            registrarLevel: .county, registrarDivision: county, domicile: "文峰区东关街道", division: county, purpose: "弘扬书法艺术",
            legalRepresentative: "李明", funds: Fen.yuan(30_000), individualMembers: 56, hasPartyOrganization: true,
            registeredOn: day("2019-04-10"))
    }

    /// "Field problem" lists as "field REASON", in order.
    static func list(_ errors: ValidationErrors) -> [String] { errors.details.map { "\($0.field) \($0.reason)" } }

    /// "field REASON" of a refusal, or [] when `body` does not throw.
    static func problems(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let error as DomainError {
            return error.problems.map { "\($0.field) \($0.reason)" }
        } catch let errors as ValidationErrors {
            return list(errors)
        } catch {
            return ["\(error)"]
        }
    }

    /// The refusal's kind and its "field REASON"s ("invalid a REQUIRED; b NEGATIVE"), "validation …"
    /// for `ValidationErrors`, or "no error".
    static func reasons(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch let error as DomainError {
            return "\(error.kind) " + error.problems.map { "\($0.field) \($0.reason)" }.joined(separator: "; ")
        } catch let errors as ValidationErrors {
            return "validation " + list(errors).joined(separator: "; ")
        } catch {
            return "\(error)"
        }
    }
}
