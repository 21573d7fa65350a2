import ArgumentParser
import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation

/// `civic demo`: the flows' story (docs/FLOWS.md §6) against a running suite, through the gateway
/// as the bureau's clients would, each step printed as it happens. A death reported by 县公安局
/// stops a 低保 household's benefit; a serious eldercare finding becomes an enforcement lead, the
/// penalty decided on it blocks the institution's grading for 2 years. Every run makes its own
/// people, institution and officers (numbers drawn from the run's time), so it can be run again.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk the story of the flows between the services against a running suite (civic up), printing each step.",
        discussion: """
            Start the suite first (civic up, or the README's run command), then run civic demo in another terminal.
            It uses the admin key in the data folder to make the keys it needs ("演示 …"), and adds its own records:
            run it on a demonstration data folder (CIVIC_DATA=./demo-data civic up), not on the bureau's.
            """)

    @OptionGroup var gateway: GatewayAddressOption
    @OptionGroup var credential: CredentialOption

    @Option(help: "The eldercare checklist to load if none is loaded. Default: deploy/eldercare/checklist-sample.json.")
    var checklist = "deploy/eldercare/checklist-sample.json"

    @Option(help: "Seconds to wait for a message to reach the other service.")
    var waitSeconds = 30

    func run() async throws {
        guard let admin = try credential.resolve() else {
            throw ValidationError("no admin key: start the suite (civic up) and run from its folder, or pass --token / --token-file")
        }
        let (host, port) = try gateway.resolve()
        let story = Story(host: host, port: port, admin: admin, waitSeconds: waitSeconds, checklist: checklist)
        defer { Task { await story.close() } }
        do {
            try await story.deathStopsTheBenefit()
            try await story.findingBecomesAPenalty()
            say("\nDone. The flows between the services: civic flows; the figures: curl http://127.0.0.1:8080/metrics | grep civic_flow")
        } catch let error as RPCError {
            throw ValidationError("the demo stopped: \(error.code.name) \(error.message) \(error.details.map { "\($0.field) \($0.reason)" })")
        }
    }
}

/// The demo's callers and its steps.
final class Story: Sendable {
    let client: RPCClient
    let admin: String
    let waitSeconds: Int
    let checklist: String
    /// The run's stamp: unique numbers for its people, institution and officers.
    let stamp: Int

    init(host: String, port: Int, admin: String, waitSeconds: Int, checklist: String) {
        client = RPCClient(host: host, port: port)
        self.admin = admin
        self.waitSeconds = waitSeconds
        self.checklist = checklist
        stamp = Int(Date().timeIntervalSince1970) % 100_000
    }

    func close() async { await client.close() }

    /// A caller holding `token`.
    struct Keyed: RPCCaller {
        let client: RPCClient
        let token: String
        func call(method: String, payload: Data, options: CallOptions) async throws -> Data {
            var options = options
            options.metadata[MetadataKey.authorization] = "Bearer \(token)"
            return try await client.call(method: method, payload: payload, options: options)
        }
    }

    /// A new key through the gateway's KeyService, with the admin key.
    func key(_ name: String, _ roles: [Principal.Role], services: [String] = [], division: String = "", subject: String = "") async throws -> Keyed {
        let created = try await Civic_Gateway_V1_KeyServiceClient(Keyed(client: client, token: admin)).createKey(
            .with {
                $0.name = "演示 \(name)"; $0.roles = roles; $0.services = services; $0.division = division; $0.subject = subject
            })
        step("key for \(name): \(created.key.id) (\(roles.map { "\($0)" }.joined(separator: ", "))\(division.isEmpty ? "" : " in \(division)"))")
        return Keyed(client: client, token: created.token)
    }

    func step(_ line: String) { say("  · \(line)") }
    func part(_ title: String) { say("\n\(title)") }

    /// Waits until `found` answers something, asking every 200 ms.
    func waitFor<T>(_ what: String, _ found: () async throws -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(Double(waitSeconds))
        while Date() < deadline {
            if let value = try await found() { return value }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ValidationError("waited \(waitSeconds) s for \(what): see civic flows")
    }

    static func id(_ first17: String) -> String { first17 + String(ResidentID.checkCharacter(for: first17)!) }
    static func code(_ first17: String) -> String { first17 + String(UnifiedSocialCreditCode.checkCharacter(for: first17)!) }

    /// A date `days` from today.
    static func day(_ days: Int) -> String { CivilDate.today().adding(days: days).description }

    // MARK: - A death report stops a benefit

    func deathStopsTheBenefit() async throws {
        part("1. 县公安局 reports a death; assistance stops the benefit (ASSISTANCE.md §12)")
        let county = "431227"
        let chen = Civic_Assistance_V1_AssistanceServiceClient(
            try await key("新晃县民政局 陈静", [.staff], services: ["assistance"], division: county, subject: "陈静"))
        let li = Civic_Assistance_V1_AssistanceServiceClient(
            try await key("新晃县民政局 李强", [.staff], services: ["assistance"], division: county, subject: "李强"))
        let police = Civic_Assistance_V1_AssistanceServiceClient(try await key("县公安局户籍系统", [.department], subject: "县公安局"))

        let standardID = "\(county)-urban-2026-07"
        if try await chen.listStandardVersions(.with { $0.division = county }).versions.contains(where: { $0.id == standardID }) {
            step("standard \(standardID) in force already")
        } else {
            let standard = try await chen.putStandardVersion(
                .with {
                    $0.version = .with {
                        $0.id = standardID; $0.label = "新民发〔2026〕5号（演示）"; $0.effective = "2026-07-01"; $0.division = county; $0.area = .urban
                        $0.minimumLivingMonthlyFen = 90_000; $0.minimumWageFen = 190_000; $0.livingSubsidyFen = 7_000; $0.nursingSubsidyFen = 8_000
                        $0.careCentralized = .with {
                            $0.selfCaring = "3/20"; $0.partiallyDependent = "1/4"; $0.fullyDependent = "1/2"
                        }
                        $0.careDispersed = .with {
                            $0.selfCaring = "1/10"; $0.partiallyDependent = "1/6"; $0.fullyDependent = "1/3"
                        }
                    }
                })
            step("standard \(standard.id): 低保 900.00 元 a month (urban)")
        }

        // A resident ID of the county, its birth date and sequence drawn from the run's stamp (one to one).
        let n = stamp
        let person = Self.id(county + String(format: "%04d%02d%02d%03d", 1940 + n % 40, 1 + (n / 40) % 12, 1 + (n / 480) % 28, 1 + n / 13_440))
        let household = try await chen.registerHousehold(
            .with {
                $0.household = .with {
                    $0.division = county; $0.area = .urban; $0.hukouAddress = "新晃县城关镇 \(stamp) 号"; $0.caseWorker = "陈静"
                    $0.bankAccount = "62170000\(String(format: "%08d", stamp))"
                    $0.members = [
                        .with {
                            $0.name = "刘大爷"; $0.residentID = person; $0.relation = .head; $0.workAbility = .unable
                        }
                    ]
                }
            }
        ).household
        step("household \(household.id) registered: 刘大爷 alone (\(person.prefix(6))********\(person.suffix(4))), no income")

        // The application, dated so that its 公示 ended before today.
        var a = try await chen.fileApplication(
            .with {
                $0.householdID = household.id; $0.program = .minimumLiving; $0.appliedOn = Self.day(-40); $0.authorizationSignedOn = Self.day(-40)
                $0.channel = .window
            }
        ).application
        let id = a.id
        func stepped(_ text: String = "符合") -> Civic_Assistance_V1_ApplicationStepRequest {
            .with {
                $0.id = id; $0.text = text
            }
        }
        var request = stepped()
        request.on = Self.day(-39)
        _ = try await chen.acceptApplication(request)
        request.on = Self.day(-38)
        _ = try await chen.startInvestigation(request)
        request.on = Self.day(-33)
        a = try await chen.recordTownshipOpinion(request).application
        request.on = Self.day(-32)
        a = try await chen.startNotice(request).application
        step("\(id): filed, accepted, investigated, township opinion (\(a.formula)), 公示 \(a.notice.startsOn) – \(a.notice.endsOn)")
        request.on = Self.day(-24)
        a = try await li.approveApplication(request).application
        step("\(id) approved by 李强 on \(a.decidedOn): \(Fen(Int(a.amountFen))) 元 a month from \(a.startMonth)")

        let today = CivilDate.today()
        let eventID = "GA-DEMO-\(stamp)"
        let receipt = try await police.reportPersonEvent(
            .with {
                $0.eventID = eventID; $0.type = .death; $0.residentID = person; $0.occurredOn = today.description
            })
        step("县公安局 reports 刘大爷's death on \(today) with its key: acknowledged, event \(receipt.eventID) received \(receipt.receivedAt)")

        let alert = try await waitFor("the alert") { try await chen.listAlerts(.init()).alerts.first { $0.eventID == eventID } }
        step("alert \(alert.id) for 陈静: \(alert.severity), \(alert.suggestion), check by \(alert.checkDue) — \(alert.effects)")
        let next = today.adding(months: 1)
        let benefit = try await chen.computeBenefit(
            .with {
                $0.householdID = household.id; $0.program = .minimumLiving; $0.month = String(next.description.prefix(7))
            })
        step(
            "the household recomputed for \(next.description.prefix(7)): \(benefit.householdSize) counted, "
                + "\(benefit.eligible ? "\(Fen(Int(benefit.amountFen))) 元" : "nothing due") (\(benefit.formula))")
        let read = try await police.getPersonEvent(.with { $0.eventID = eventID })
        step("县公安局 reads back what became of its event: \(read.state)")
    }

    // MARK: - A finding becomes a penalty that blocks grading

    func findingBecomesAPenalty() async throws {
        part("2. A serious eldercare finding becomes an enforcement lead; the penalty blocks grading (FLOWS.md §4.1, §4.2)")
        let county = "410502"
        let zhao = Civic_Eldercare_V1_EldercareServiceClient(
            try await key("文峰区民政局养老科 赵敏", [.staff], services: ["eldercare"], division: county, subject: "J-\(stamp)"))
        let squad = Civic_Enforcement_V1_EnforcementServiceClient(
            try await key("文峰区民政综合执法大队", [.staff], services: ["enforcement"], division: county))

        _ = try await zhao.loadDivisions(
            .with {
                $0.divisions = [
                    .with {
                        $0.code = "410502001"; $0.name = "东关街道"; $0.level = .street; $0.parent = county
                    },
                    .with {
                        $0.code = "410502001003"; $0.name = "东关社区"; $0.level = .community; $0.parent = "410502001"
                    },
                ]
            })
        let items: [Civic_Eldercare_V1_ChecklistItem]
        if let loaded = try? await zhao.getChecklist(.init()).items, !loaded.isEmpty {
            items = loaded
        } else {
            guard let json = try? String(contentsOfFile: checklist, encoding: .utf8) else {
                throw ValidationError("cannot read the checklist \(checklist): run from the repository's folder or pass --checklist")
            }
            _ = try await zhao.loadChecklist(.with { $0.json = json })
            items = try await zhao.getChecklist(.init()).items
        }
        step("checklist in force: \(items.count) items")

        let creditCode = Self.code("52410502MJ" + String(format: "%07d", stamp))
        let institution = try await zhao.registerInstitution(
            .with {
                $0.institution = .with {
                    $0.name = "文峰区颐养院（演示 \(stamp)）"; $0.creditCode = creditCode; $0.ownership = .publicBuiltPrivatelyRun; $0.nature = .nonProfit
                    $0.operatorName = "安康养老服务有限公司"; $0.county = county; $0.street = "410502001"; $0.community = "410502001003"
                    $0.beds = 120; $0.nursingBeds = 60; $0.openedOn = "2026-03-01"; $0.fireSafety = .passed
                }
            }
        ).institution
        step("institution \(institution.id) registered: \(institution.name), credit code \(creditCode)")
        for (inspector, name) in [("J-\(stamp)", "赵敏"), ("Q-\(stamp)", "钱明")] {
            _ = try await zhao.putInspector(
                .with {
                    $0.inspector = .with {
                        $0.id = inspector; $0.name = name; $0.active = true
                    }
                })
        }
        let today = CivilDate.today().description
        let task = try await zhao.createInspectionTask(
            .with {
                $0.county = county; $0.seed = "演示 \(stamp)"; $0.plannedOn = today
                $0.ratios = [Civic_Eldercare_V1_RiskClass.low, .medium, .high].map { risk in
                    .with {
                        $0.riskClass = risk; $0.perMille = 1000
                    }
                }
            })
        // One inspection per target, in the targets' order.
        guard let drawn = task.targets.firstIndex(where: { $0.institutionID == institution.id }), drawn < task.inspectionIds.count else {
            throw ValidationError("the draw \(task.id) did not include \(institution.id)")
        }
        let inspectionID = task.inspectionIds[drawn]
        step("双随机 draw \(task.id) (seed 演示 \(stamp)): inspection \(inspectionID) of \(institution.id)")
        _ = try await zhao.startInspection(
            .with {
                $0.id = inspectionID; $0.on = today
            })
        let recorded = try await zhao.recordInspection(
            .with {
                $0.id = inspectionID; $0.on = today
                $0.results = items.enumerated().map { i, item in
                    .with {
                        $0.itemCode = item.code; $0.outcome = i == 0 ? .fail : .pass; $0.note = i == 0 ? "疏散通道堆放杂物，消防门锁闭" : ""
                        $0.level = i == 0 ? .major : .general
                    }
                }
            }
        ).inspection
        let finding = recorded.findingIds[0]
        step("inspection recorded: item \(items[0].code) failed as 重大 (疏散通道堆放杂物，消防门锁闭): finding \(finding)")

        let reference = "eldercare-finding:\(finding)"
        let lead = try await waitFor("the lead at enforcement") {
            try await squad.listLeads(.with { $0.page = .with { $0.pageSize = 1000 } }).leads.first { $0.reference == reference }
        }
        step("enforcement has lead \(lead.id) from \(lead.referredBy): \(lead.subject.name) (\(lead.subject.id)), verify by \(lead.verificationDue.dueDate)")

        var officers: [String] = []
        for (i, (name, roles)) in [("周强", [Civic_Enforcement_V1_OfficerRole.investigator]), ("吴磊", [.investigator]), ("李局长", [.approver])].enumerated() {
            let officer = try await squad.registerOfficer(
                .with {
                    $0.officer = .with {
                        $0.name = name; $0.certificateNumber = "豫演\(stamp)\(i)"; $0.certificateIssuedOn = "2025-01-01"
                        $0.certificateExpiresOn = "2029-12-31"; $0.roles = roles; $0.division = county
                    }
                }
            ).officer
            officers.append(officer.id)
        }
        step("officers \(officers.joined(separator: ", ")) certified")
        let filed = try await squad.fileCase(
            .with {
                $0.leadID = lead.id; $0.violationCodes = ["YLJG-46-1"]; $0.summary = "消防安全重大隐患"; $0.actEndedOn = today
                $0.approvedBy = officers[2]; $0.investigators = [officers[0], officers[1]]
            }
        ).case
        step("case \(filed.id) filed from \(lead.id); the registers said: \(filed.subjectRegistration)")
        func caseStep(_ s: Civic_Enforcement_V1_StepCaseRequest.OneOf_Step) async throws {
            _ = try await squad.stepCase(
                .with {
                    $0.id = filed.id; $0.step = s
                })
        }
        let warning = Civic_Enforcement_V1_ProposedPenalty.with { $0.penalties = [.warning] }
        try await caseStep(
            .addEvidence(
                .with {
                    $0.description_p = "现场检查笔录"; $0.officers = [officers[0], officers[1]]
                }))
        try await caseStep(
            .serveNotice(
                .with {
                    $0.officers = [officers[0], officers[1]]; $0.proposal = warning
                }))
        try await caseStep(.waiveReplies(.init()))
        try await caseStep(
            .decidePenalty(
                .with {
                    $0.penalty = warning; $0.reasons = "违反《养老机构管理办法》第四十六条"; $0.approvedBy = officers[2]
                }))
        step("\(filed.id): evidence, 告知 (a warning), no statement or hearing asked, decided: 警告")

        let refusal = try await waitFor("the grading block at eldercare") { () -> RPCError? in
            do {
                _ = try await zhao.applyForGrade(
                    .with {
                        $0.institutionID = institution.id; $0.requested = 1
                    })
                return nil
            } catch let error as RPCError where error.details.contains(where: { $0.reason == "RECENT_PENALTY" }) {
                return error
            } catch is RPCError {
                return nil
            }
        }
        let block = refusal.details.first { $0.reason == "RECENT_PENALTY" }
        step(
            "eldercare refuses \(institution.id)'s application for a grade: \(refusal.code.name) \(block?.field ?? "") RECENT_PENALTY — \(block?.description_p ?? "")"
        )
    }
}
