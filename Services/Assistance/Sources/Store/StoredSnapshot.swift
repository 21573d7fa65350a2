import AssistanceDomain
import CivicDomain
import CivicProtos
import Foundation
import SwiftProtobuf

/// How a decision snapshot is kept in the database: binary protobuf
/// (protos/civic/assistance/storage/v1/snapshot.proto), which a payment run decodes several times
/// faster than JSON when it computes every case afresh (a first or 提标 month). Snapshots written
/// before that are JSON text and still read: a stored value starting with "{" is JSON.
public enum StoredSnapshot {
    typealias Message = Civic_Assistance_Storage_V1_Snapshot

    public static func encode(_ snapshot: DecisionSnapshot) throws -> Data {
        try Message(snapshot).serializedBytes()
    }

    public static func decode(_ data: Data) throws -> DecisionSnapshot {
        if data.first == UInt8(ascii: "{") { return try JSONDecoder().decode(DecisionSnapshot.self, from: data) }
        return try DecisionSnapshot(try Message(serializedBytes: data))
    }

    /// A stored value that is not what the service wrote (an enum, date or identifier it cannot read).
    static func corrupt(_ what: String, _ value: String) -> DomainError {
        DomainError.failedPrecondition("stored snapshot: \(what) \"\(value)\" cannot be read", reason: "CORRUPT_SNAPSHOT")
    }
}

private func raw<T: RawRepresentable<String>>(_ text: String, _ what: String) throws -> T {
    guard let value = T(rawValue: text) else { throw StoredSnapshot.corrupt(what, text) }
    return value
}

private func optionalRaw<T: RawRepresentable<String>>(_ text: String, _ what: String) throws -> T? {
    text.isEmpty ? nil : try raw(text, what)
}

private func date(_ text: String, _ what: String) throws -> CivilDate? {
    guard !text.isEmpty else { return nil }
    guard let value = CivilDate(text) else { throw StoredSnapshot.corrupt(what, text) }
    return value
}

private func person(_ text: String) throws -> ResidentID? {
    text.isEmpty ? nil : try ResidentID(text)
}

extension Civic_Assistance_Storage_V1_Snapshot {
    init(_ s: DecisionSnapshot) {
        self.init()
        household = .init(s.household)
        terms = .with {
            $0.program = s.terms.program.rawValue
            $0.member = s.terms.member?.description ?? ""
            $0.setting = s.terms.setting.rawValue
            $0.singlePerson = s.terms.singlePerson
            $0.temporaryKind = s.terms.temporaryKind.rawValue
            $0.requestedFen = Int64(s.terms.requested.fen)
        }
        decidedOn = s.decidedOn.description
        effectiveFrom = s.effectiveFrom.description
        amountFen = Int64(s.amount.fen)
        standardVersionID = s.standardVersionID
    }
}

extension DecisionSnapshot {
    init(_ m: Civic_Assistance_Storage_V1_Snapshot) throws {
        let t = m.terms
        let terms = EntitlementTerms(
            program: try raw(t.program, "program"), member: try person(t.member), setting: try raw(t.setting, "setting"),
            singlePerson: t.singlePerson, temporaryKind: try raw(t.temporaryKind, "temporary_kind"), requested: Fen(Int(t.requestedFen)))
        guard let decided = try date(m.decidedOn, "decided_on") else { throw StoredSnapshot.corrupt("decided_on", m.decidedOn) }
        guard let from = BenefitMonth(m.effectiveFrom) else { throw StoredSnapshot.corrupt("effective_from", m.effectiveFrom) }
        self.init(
            household: try Household(m.household), terms: terms, decidedOn: decided, effectiveFrom: from, amount: Fen(Int(m.amountFen)),
            standardVersionID: m.standardVersionID)
    }
}

extension Civic_Assistance_Storage_V1_Household {
    init(_ h: Household) {
        self.init()
        id = h.id
        division = h.division.description
        area = h.area.rawValue
        hukouAddress = h.hukouAddress
        actualAddress = h.actualAddress
        bankAccount = h.bankAccount
        cardHeldByOfficial = h.cardHeldByOfficial
        custodyAgreementOnFile = h.custodyAgreementOnFile
        unstableIncome = h.unstableIncome
        caseWorker = h.caseWorker
        members = h.members.map { m in
            .with {
                $0.name = m.name
                $0.residentID = m.residentID.description
                $0.relation = m.relation.rawValue
                $0.notCounted = !m.counted
                $0.notCountedReason = m.notCountedReason?.rawValue ?? ""
                $0.notCountedNote = m.notCountedNote
                $0.disabilityCategory = m.disability?.category.rawValue ?? ""
                $0.disabilityGrade = Int32(m.disability?.grade ?? 0)
                $0.disabilityCardNumber = m.disabilityCardNumber
                $0.seriousIllness = m.seriousIllness
                $0.workAbility = m.workAbility.rawValue
                if let c = m.selfCare {
                    $0.selfCareAssessed = true
                    $0.selfCareItems = [c.eating, c.dressing, c.gettingInOutOfBed, c.toilet, c.walkingIndoors, c.bathing].enumerated().reduce(0) {
                        $0 | ($1.element ? UInt32(1) << UInt32($1.offset) : 0)
                    }
                }
                $0.employment = m.employment
                $0.deceasedOn = m.deceasedOn?.description ?? ""
            }
        }
        incomes = h.incomes.map { line in
            .with {
                $0.member = line.member?.description ?? ""
                $0.category = line.category.rawValue
                $0.monthlyFen = Int64(line.monthly.fen)
                $0.period = line.period
                $0.source = line.source.rawValue
                $0.excluded = line.excluded
                $0.excludedReason = line.excludedReason
            }
        }
        assets = h.assets.map { a in
            .with {
                $0.member = a.member?.description ?? ""
                $0.type = a.type.rawValue
                $0.valueFen = Int64(a.value.fen)
                $0.description_p = a.description
                $0.ruleApplied = a.ruleApplied
            }
        }
    }
}

extension Household {
    init(_ h: Civic_Assistance_Storage_V1_Household) throws {
        let members = try h.members.map { m in
            let items = m.selfCareItems
            return Member(
                name: m.name, residentID: try ResidentID(m.residentID), relation: try raw(m.relation, "relation"), counted: !m.notCounted,
                notCountedReason: try optionalRaw(m.notCountedReason, "not_counted_reason"), notCountedNote: m.notCountedNote,
                disability: try optionalRaw(m.disabilityCategory, "disability_category").map { DisabilityCard(category: $0, grade: Int(m.disabilityGrade)) },
                disabilityCardNumber: m.disabilityCardNumber, seriousIllness: m.seriousIllness, workAbility: try raw(m.workAbility, "work_ability"),
                selfCare: m.selfCareAssessed
                    ? SelfCareAssessment(
                        eating: items & 1 != 0, dressing: items & 2 != 0, gettingInOutOfBed: items & 4 != 0, toilet: items & 8 != 0,
                        walkingIndoors: items & 16 != 0, bathing: items & 32 != 0) : nil,
                employment: m.employment, deceasedOn: try date(m.deceasedOn, "deceased_on"))
        }
        self.init(
            id: h.id, division: try DivisionCode(h.division), area: try raw(h.area, "area"), hukouAddress: h.hukouAddress, actualAddress: h.actualAddress,
            bankAccount: h.bankAccount, cardHeldByOfficial: h.cardHeldByOfficial, custodyAgreementOnFile: h.custodyAgreementOnFile,
            unstableIncome: h.unstableIncome, caseWorker: h.caseWorker, members: members,
            incomes: try h.incomes.map {
                IncomeLine(
                    member: try person($0.member), category: try raw($0.category, "category"), monthly: Fen(Int($0.monthlyFen)), period: $0.period,
                    source: try raw($0.source, "source"), excluded: $0.excluded, excludedReason: $0.excludedReason)
            },
            assets: try h.assets.map {
                Asset(
                    member: try person($0.member), type: try raw($0.type, "type"), value: Fen(Int($0.valueFen)), description: $0.description_p,
                    ruleApplied: $0.ruleApplied)
            })
    }
}
