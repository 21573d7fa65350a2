import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import OrganizationsDomain

/// 准予登记 and the public legitimacy check (合法性甄别): both compare a name with the register.
extension OrganizationsHandler {
    public func approveApplication(_ request: Civic_Organizations_V1_ApproveApplicationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ApproveApplicationResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.id)
        let on = try day(request.on)
        var errors = ValidationErrors()
        let representative =
            request.legalRepresentativeID.isEmpty
            ? nil : ResidentID.validate(request.legalRepresentativeID, field: "legal_representative_id", into: &errors)?.description
        try errors.check()
        let current = try await store.application(id: request.id)
        try reach.check(current.registrarDivision, "application \(request.id)")
        let application = current.application
        // The conditions and the name, checked before anything is written; the state moves are
        // checked again in the transaction.
        let similar = try await activeSimilarNames(application.name)
        var problems = RegistrationConditions.problems(
            type: application.type, kind: application.foundationKind, level: application.registrarLevel, funds: application.funds,
            individualMembers: application.individualMembers, unitMembers: application.unitMembers, limits: settings.registration)
        for problem in NameRules.problems(
            name: application.name, type: application.type, registrarLevel: application.registrarLevel,
            registrarDivisionNames: settings.divisionNames.prefixes(for: current.registrarDivision)
        ).details {
            problems.add(problem)
        }
        for problem in NameRules.conflicts(similar).details { problems.add(problem) }
        try problems.check()
        let issuer = try CreditCodeIssuer(registrarDivision: current.registrarDivision, serialPrefix: settings.codeSerialPrefix)
        let calendar = settings.calendar.calendar
        let limits = settings.registration
        let legacy = settings.legacyCreditCodes
        let day = today()
        let result = try await store.approve(
            id: request.id, codePrefix: current.registrarDivision.description + settings.codeSerialPrefix, legalRepresentativeID: representative,
            by: context.auditActor, check: { try reach.check($0, "application \(request.id)") },
            approve: { stored in
                var next = stored
                try next.apply(.approve(on: on), calendar: calendar, limits: limits)
                return next
            },
            issue: { serial in try issuer.issue(type: application.type, serial: serial).description },
            organization: { approved, code in
                let body = Organization(
                    creditCode: code, name: approved.name, type: approved.type, isTradeAssociation: approved.isTradeAssociation,
                    foundationKind: approved.foundationKind, sponsor: approved.directlyRegistrable ? "" : approved.sponsor,
                    directlyRegistrable: approved.directlyRegistrable, registrarLevel: approved.registrarLevel,
                    registrarDivision: current.registrarDivision, domicile: approved.domicile, division: approved.division, purpose: approved.purpose,
                    businessScope: approved.businessScope, legalRepresentative: approved.legalRepresentative, funds: approved.funds,
                    individualMembers: approved.individualMembers, unitMembers: approved.unitMembers, registeredOn: on, status: .registered,
                    history: [StatusChange(from: nil, to: .registered, on: on, document: approved.id, reason: "成立登记")])
                let problems = OrganizationRules.problems(body, today: day, legacyCreditCodes: legacy)
                try problems.check()
                return body
            })
        try await names.put(id: result.organization.organization.id, name: result.organization.organization.name, as: .organization)
        return .with {
            $0.application = .init(result.application, today: day)
            $0.organization = .init(result.organization)
        }
    }

    /// The registered bodies (preparing, registered or suspended) whose names resemble `name`.
    func activeSimilarNames(_ name: String) async throws -> [NameMatch<String>] {
        let matches = try await names.query(name).filter { $0.tag == .organization }
        let bodies = try await store.summaries(ids: matches.map(\.id))
        return matches.compactMap { match in
            guard let body = bodies[match.id], body.status != .revoked, body.status != .deregistered else { return nil }
            return NameMatch(kind: match.kind, id: match.id, name: body.name, tag: body.creditCode)
        }
    }

    public func checkLegitimacy(_ request: Civic_Organizations_V1_CheckLegitimacyRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_CheckLegitimacyResponse
    {
        let query = request.query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { throw DomainError.invalid("a name or a credit code is required", field: "query", reason: "REQUIRED") }
        guard query.count <= 100 else { throw DomainError.invalid("at most 100 characters", field: "query", reason: "TOO_LONG") }
        var response = Civic_Organizations_V1_CheckLegitimacyResponse()
        // An 18-character code that parses is looked up as a code; anything else is a name.
        if query.count == 18, let code = try? UnifiedSocialCreditCode(query, legacyAllowList: settings.legacyCreditCodes) {
            if let body = try await store.summaries(ids: [code.description])[code.description] {
                response.registered = .init(body, similarity: "exact")
                response.verdict = Self.verdict(body.status)
                response.lists = try await listsToday(of: body.id)
            } else {
                response.verdict = "not_found"
            }
            response.explanation = Self.explanation(response.verdict, name: response.registered.name, lists: response.lists)
            return response
        }
        let matches = try await names.query(query, limit: 20)
        let bodies = try await store.summaries(ids: matches.filter { $0.tag == .organization }.map(\.id))
        let filings = try await store.communityOrganizations(ids: matches.filter { $0.tag == .communityOrganization }.map(\.id))
        let suspectedIDs = matches.filter { $0.tag == .suspectedIllegal }.map(\.id)
        let suspected = suspectedIDs.isEmpty ? [:] : try await store.suspectedNames(caseIDs: suspectedIDs)
        var named: OrganizationsStore.RegisterSummary?
        for match in matches {
            let similarity = Self.similarity(match.kind)
            if let listed = suspected[match.id] {
                response.suspectedIllegal.append(
                    .with {
                        $0.nameUsed = listed.nameUsed
                        $0.division = listed.division
                        $0.batch = listed.batch
                        $0.publishedOn = listed.publishedOn
                        $0.similarity = similarity
                    })
                continue
            }
            if let body = bodies[match.id] {
                let found = Civic_Organizations_V1_RegisterMatch(body, similarity: similarity)
                if similarity == "exact" && named == nil {
                    named = body
                    response.registered = found
                } else {
                    response.similarRegistered.append(found)
                }
            } else if let filing = filings[match.id] {
                let found = Civic_Organizations_V1_CommunityMatch.with {
                    $0.name = filing.name
                    $0.category = filing.category
                    $0.community = filing.community
                    $0.similarity = similarity
                }
                if similarity == "exact" && !response.hasFiled {
                    response.filed = found
                } else {
                    response.similarFiled.append(found)
                }
            }
        }
        if let named {
            response.verdict = Self.verdict(named.status)
            response.lists = try await listsToday(of: named.id)
        } else if response.hasFiled {
            response.verdict = "filed"
        } else {
            let listed = response.suspectedIllegal.first { $0.similarity == "exact" }
            response.verdict = listed == nil ? "not_found" : "suspected_illegal"
        }
        response.explanation = Self.explanation(
            response.verdict, name: response.hasRegistered ? response.registered.name : response.filed.name,
            similar: response.similarRegistered.map(\.name) + response.similarFiled.map(\.name), lists: response.lists,
            suspected: response.suspectedIllegal.map(\.nameUsed))
        return response
    }

    /// A match's similarity as the wire says it: a name the same once its division prefix is set
    /// aside is the same name.
    static func similarity(_ kind: NameMatchKind) -> String {
        kind == .exact || kind == .sameCore ? "exact" : kind.rawValue
    }

    /// The credit lists body `id` is on today.
    func listsToday(of id: String) async throws -> [Civic_Organizations_V1_CreditList] {
        guard let history = try await store.recordedCreditHistory(organizationID: id), !history.events.isEmpty else { return [] }
        return try creditRules.status(of: history, on: today()).lists.map { WireEnum.wire($0) }
    }

    static func verdict(_ status: OrganizationStatus) -> String {
        switch status {
        case .registered, .activitiesSuspended: "registered"
        case .preparing: "preparing"
        case .revoked: "revoked"
        case .deregistered: "deregistered"
        }
    }

    static func explanation(
        _ verdict: String, name: String, similar: [String] = [], lists: [Civic_Organizations_V1_CreditList] = [], suspected: [String] = []
    ) -> String {
        let main: String
        switch verdict {
        case "registered": main = "「\(name)」是依法登记的社会组织。"
        case "filed": main = "「\(name)」是已备案的社区社会组织。"
        case "preparing": main = "「\(name)」正在筹备，尚未成立登记，不得以社会组织名义开展活动。"
        case "revoked": main = "「\(name)」已被撤销登记，继续以其名义活动属于非法社会组织。"
        case "deregistered": main = "「\(name)」已注销登记，不得再以其名义开展活动。"
        case "suspected_illegal":
            main = "「\(suspected.first ?? name)」已被民政部门列入涉嫌非法社会组织名单，未经登记，不得以社会组织名义开展活动，请勿参加其活动、缴纳费用。"
        default: main = "未查到以此名称或代码登记、备案的社会组织；未经登记以社会组织名义开展活动属于非法社会组织。"
        }
        var text = main
        if verdict != "suspected_illegal", let listed = suspected.first {
            text += "名称相近的「\(listed)」已被列入涉嫌非法社会组织名单。"
        }
        if lists.contains(.serious) { text += "该组织已被列入严重违法失信名单。" } else if lists.contains(.abnormal) { text += "该组织已被列入活动异常名录。" }
        guard !similar.isEmpty else { return text }
        return text + "名称相近的已登记或备案组织：" + similar.prefix(5).joined(separator: "、") + "。请注意仿冒名称。"
    }
}

extension Civic_Organizations_V1_RegisterMatch {
    init(_ o: OrganizationsStore.RegisterSummary, similarity: String) {
        self.init()
        name = o.name
        creditCode = o.creditCode
        type = WireEnum.wire(o.type)
        status = WireEnum.wire(o.status)
        registrarLevel = WireEnum.wire(o.registrarLevel)
        registrarDivision = o.registrarDivision
        self.similarity = similarity
    }
}
