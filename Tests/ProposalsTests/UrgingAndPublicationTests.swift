import CivicDomain
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import Testing

@testable import ProposalsDomain
@testable import ProposalsService

/// An item in `state` with `role`, answer due 2026-06-10, as the urging plan sees it.
private func item(_ state: ItemState, _ role: HandlingRole?, units: [UnitAssignment] = [], publicationDue: String? = nil) -> Item {
    var item = Item(
        id: "it-1", kind: .npcSuggestion, year: 2026, session: "", number: "第26-001号", title: "t", body: "",
        proposers: [Proposer(name: "李四", lead: true)], topic: "elderly_care", keySupervised: false, state: state,
        registeredAt: "2026-03-01T00:00:00Z", registeredBy: "staff")
    item.role = role
    item.units = units
    item.answerDue = role == .reference || role == nil ? nil : d("2026-06-10")
    item.publicationDue = publicationDue.map(d)
    return item
}

@Suite("Urging plan: which deadlines an item owes")
struct UrgingPlanTests {
    let rules = ReplyDeadlines()
    let calendar = WorkingCalendar.standard

    func owed(_ item: Item) -> [String] { UrgingPlan.owed(by: item).map { "\($0.0.code)\($0.0.unit.isEmpty ? "" : ":\($0.0.unit)")@\($0.1)" } }

    @Test func aLeadItemOwesItsReplyAndItsCoHandlingUnitsTheirOpinions() {
        let units = [
            UnitAssignment(unit: "养老服务科", role: .leadSole),
            UnitAssignment(unit: "社会救助科", role: .coHandling, opinionDue: d("2026-04-10")),
            UnitAssignment(unit: "社会事务科", role: .coHandling, opinionDue: d("2026-04-10"), opinion: "同意", opinionOn: d("2026-04-01")),
        ]
        #expect(owed(item(.handling, .leadSole, units: units)) == ["reply@2026-06-10", "unit_opinion:社会救助科@2026-04-10"])
        // Once the answer is reported upward the units' opinions no longer matter; the reply does.
        #expect(owed(item(.reported, .leadSole, units: units)) == ["reply@2026-06-10"])
    }

    @Test func aCoHandlingItemOwesItsOpinionUntilReported() {
        #expect(owed(item(.assigned, .coHandling)) == ["opinion@2026-06-10"])
        #expect(owed(item(.reported, .coHandling)) == [])
    }

    @Test func aRepliedLeadItemOwesItsPublicationUntilPublished() {
        #expect(owed(item(.replied, .leadSole, publicationDue: "2026-07-08")) == ["publication@2026-07-08"])
        #expect(owed(item(.implementing, .leadSplit, publicationDue: "2026-07-08")) == ["publication@2026-07-08"])
        #expect(owed(item(.published, .leadSole, publicationDue: "2026-07-08")) == [])
    }

    @Test func referenceRegisteredAndFinishedItemsOweNothing() {
        #expect(owed(item(.assigned, .reference)) == [])
        // Not even when an older assignment gave a 参阅 item a co-handling unit.
        #expect(owed(item(.assigned, .reference, units: [UnitAssignment(unit: "社会救助科", role: .coHandling, opinionDue: d("2026-04-10"))])) == [])
        #expect(owed(item(.acknowledged, .reference)) == [])
        #expect(owed(item(.registered, nil)) == [])
        #expect(owed(item(.returned, .leadSole)) == [])
    }

    @Test func dueListsOnlyDueSoonAndOverdueEarliestFirst() {
        let units = [UnitAssignment(unit: "社会救助科", role: .coHandling, opinionDue: d("2026-04-10"))]
        let lead = item(.handling, .leadSole, units: units)
        // 2026-03-20: both far off.
        #expect(UrgingPlan.due(lead, today: d("2026-03-20"), rules: rules, calendar: calendar) == [])
        // 2026-04-01: the opinion (due 04-10, 6 working days away, 4–6 April being 清明) is due soon.
        let april = UrgingPlan.due(lead, today: d("2026-04-01"), rules: rules, calendar: calendar)
        #expect(april.map(\.deadline) == [.unitOpinion(unit: "社会救助科")])
        #expect(april.map(\.urgency) == [.dueSoon])
        #expect(april.first?.note == "社会救助科's opinion to the lead unit is due on 2026-04-10")
        // 2026-06-01: the opinion is overdue (escalated), the reply due soon.
        let june = UrgingPlan.due(lead, today: d("2026-06-01"), rules: rules, calendar: calendar)
        #expect(june.map(\.deadline.code) == ["unit_opinion", "reply"])
        #expect(june.map(\.escalated) == [true, false])
        #expect(june.first?.note == "社会救助科's opinion to the lead unit is overdue since 2026-04-10; escalated to the leaders")
    }
}

@Suite("Publication redaction (公开)")
struct PublicationRedactionTests {
    @Test func mobileNumbersIdentityNumbersAndEmailsAreMasked() {
        let mask = PublicationRedaction(contacts: [])
        let result = mask.redact("请联系13812345678或+86 139-1234-5678，身份证11010519491231002X，邮箱 li.si@example.com。")
        #expect(result.text == "请联系138****5678或+86 139****5678，身份证110105********002X，邮箱 l***@example.com。")
        #expect(result.masked == 4)
    }

    @Test func theProposersRecordedContactsAreMaskedWhole() {
        let mask = PublicationRedaction(contacts: ["嘉定区博乐路1号 201800", "", "021-1"])
        let result = mask.redact("已于3月寄至嘉定区博乐路1号 201800。")
        #expect(result.text == "已于3月寄至[联系方式已隐去]。")
        #expect(result.masked == 1)
    }

    @Test func fullWidthDigitsAndOtherGroupingsAreMaskedToo() {
        let mask = PublicationRedaction(contacts: [])
        #expect(mask.redact("电话１３８１２３４５６７８").text == "电话１３８****５６７８")
        #expect(mask.redact("电话138.1234.5678").text == "电话138****5678")
        #expect(mask.redact("身份证１１０１０５１９４９１２３１００２Ｘ").text == "身份证１１０１０５********００２Ｘ")
    }

    @Test func aRecordedPhoneIsFoundHoweverItIsWritten() {
        let mask = PublicationRedaction(contacts: ["021-64871234"])
        let result = mask.redact("请致电021 6487 1234或64871234，或０２１－６４８７１２３４；办公室021-59992345。")
        #expect(result.text == "请致电[联系方式已隐去]或[联系方式已隐去]，或[联系方式已隐去]；办公室021-59992345。")
        #expect(result.masked == 3)
        // An address is matched as written only.
        #expect(PublicationRedaction.phonePatterns("嘉定区博乐路1号").isEmpty)
        #expect(PublicationRedaction.phonePatterns("12345").isEmpty)
    }

    @Test func officeNumbersDatesAndLongNumbersStay() {
        let mask = PublicationRedaction(contacts: [])
        let text = "咨询电话021-59992345，12345热线；文号沪民发〔2026〕12号；账号6222021234567890123；2026年6月10日前办结。"
        let result = mask.redact(text)
        #expect(result.text == text)
        #expect(result.masked == 0)
    }
}

/// A new proposals database migrated up to, not including, `migration` (whose predecessor
/// must be `lastApplied`), and its path, to be reopened with every migration.
func databaseBefore(_ migration: String, lastApplied: String) throws -> (String, DatabasePool) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("civic-\(migration)-\(UUID().uuidString)/proposals.sqlite").path
    let before = Array(ProposalsSchema.migrations.prefix { $0.name != migration })
    #expect(before.last?.name == lastApplied)
    return (path, try CivicDatabase.open(path: path, migrations: before))
}

@Suite("Migration proposals-009")
struct PublishedTextMigrationTests {
    @Test func repliesPublishedBeforeItAreMaskedNotCopied() async throws {
        let (path, old) = try databaseBefore("proposals-009-publication-and-urging", lastApplied: "proposals-008-unit-opinions")
        try await old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO items (id, kind, year, number, title, topic, state, registered_at, registered_by, role, reply_text, replied_on, published_on)
                    VALUES ('a', 'npc_suggestion', 2026, '1', 't', 'elderly_care', 'published', '2026-01-01T00:00:00Z', 's', 'lead_sole',
                            '已致电13800000000，并联系13912345678。', '2026-05-20', '2026-05-25'),
                           ('b', 'npc_suggestion', 2026, '2', 't', 'elderly_care', 'replied', '2026-01-01T00:00:00Z', 's', 'lead_sole',
                            '13912345678', '2026-05-20', NULL)
                    """)
            try db.execute(sql: "INSERT INTO item_proposers (item_id, position, name, lead, contact) VALUES ('a', 0, '李四', 1, '13800000000')")
        }
        try old.close()
        let store = ProposalStore(database: try CivicDatabase.open(path: path, migrations: ProposalsSchema.migrations))
        #expect(try await store.item(id: "a").publishedText == "已致电[联系方式已隐去]，并联系139****5678。")
        #expect(try await store.item(id: "a").replyText == "已致电13800000000，并联系13912345678。")
        #expect(try await store.item(id: "b").publishedText == "")  // never published
    }
}

@Suite("Migration proposals-012")
struct PublicationCountsMigrationTests {
    @Test func publicationsMadeBeforeItAreCountedOnTimeOrLate() async throws {
        let (path, old) = try databaseBefore("proposals-012-report-publication-and-overdue", lastApplied: "proposals-011-urgings")
        try await old.write { db in
            for (id, publishedOn) in [("on-time", "'2026-06-17'"), ("late", "'2026-06-18'"), ("not-yet", "NULL")] {
                try db.execute(
                    sql: """
                        INSERT INTO items (id, kind, year, number, title, topic, state, registered_at, registered_by, role, reply_text,
                                           replied_on, answered_on_time, publication_due, published_on)
                        VALUES ('\(id)', 'npc_suggestion', 2026, '\(id)', 't', 'elderly_care', \(publishedOn == "NULL" ? "'replied'" : "'published'"),
                                '2026-01-01T00:00:00Z', 's', 'lead_sole', '答复', '2026-05-20', 1, '2026-06-17', \(publishedOn))
                        """)
            }
        }
        try old.close()
        let store = ProposalStore(database: try CivicDatabase.open(path: path, migrations: ProposalsSchema.migrations))
        let report = try await store.annualReport(year: 2026, asOf: CivilDate("2026-07-01")!)
        #expect(report.total == 3)
        #expect(report.publication == .init(numerator: 2, denominator: 3))
        #expect(report.publicationOnTime == .init(numerator: 1, denominator: 2))
        // And the new triggers follow later changes: the last one published on time.
        _ = try await store.apply(.publish, to: "not-yet", by: staff) { item in
            item.publishedOn = CivilDate("2026-06-10"); return []
        }
        let after = try await store.annualReport(year: 2026, asOf: CivilDate("2026-07-01")!)
        #expect(after.publicationOnTime == .init(numerator: 2, denominator: 3))
        #expect(after.publication.percent.description == "100.0")
    }
}

@Suite("Topic list from a file")
struct TopicFileTests {
    @Test func aFileWithCommentsOrderAndARetiredTopic() throws {
        let catalog = try TopicCatalog.parse(
            """
            # 本局议题分类
            elderly_care,养老服务
            social_assistance, 社会救助
            old_topic,旧分类,retired

            other,其他,active
            """)
        #expect(catalog.topics.map(\.code) == ["elderly_care", "social_assistance", "old_topic", "other"])
        #expect(catalog.activeCodes == ["elderly_care", "social_assistance", "other"])
        #expect(catalog.codes["social_assistance"] == "社会救助")
        #expect(catalog.contains("old_topic") && !catalog.accepts("old_topic"))
        #expect(catalog.accepts("other"))
    }

    @Test func everyProblemIsReportedWithItsLine() {
        do {
            _ = try TopicCatalog.parse("elderly_care,养老服务\nElderly,大写\nelderly_care,重复\nfuneral,\nx,名称,gone\njust-one-field")
            Issue.record("a bad file was accepted")
        } catch let error as TopicCatalog.TopicFileError {
            #expect(
                error.problems == [
                    "line 2: code \"Elderly\" must be lower-case letters, digits and _ (at most 64), starting with a letter",
                    "line 3: code elderly_care is already on line 1",
                    "line 4: name is required (at most 50 characters)",
                    "line 5: third field must be \"retired\" or \"active\", not \"gone\"",
                    "line 6: expected code,名称[,retired], found 1 field(s)",
                ])
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: TopicCatalog.TopicFileError.self) { try TopicCatalog.parse("a,甲,retired\n# only retired") }
        #expect(throws: TopicCatalog.TopicFileError.self) { try TopicCatalog.parse("") }
    }

    @Test func newItemsCannotUseARetiredTopic() throws {
        let validator = ItemValidator(topics: try TopicCatalog.parse("elderly_care,养老服务\nold_topic,旧分类,retired"))
        var registration = validRegistration()
        registration.topic = "old_topic"
        let error = #expect(throws: ValidationErrors.self) { try validator.validate(registration) }
        #expect(error?.details.map { "\($0.field):\($0.reason)" } == ["topic:RETIRED"])
        registration.topic = "elderly_care"
        #expect(throws: Never.self) { try validator.validate(registration) }
    }

    @Test func settingsReadTheTopicsFileAndRefuseABadOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("civic-topics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("topics.csv")
        try Data("elderly_care,养老服务\ncommunity,社区建设\n".utf8).write(to: good)
        let settings = try ProposalsSettings(environment: ["CIVIC_PROPOSALS_TOPICS_FILE": good.path])
        #expect(settings.topics.activeCodes == ["elderly_care", "community"])
        #expect(settings.topicsSource == good.path)
        let bad = folder.appendingPathComponent("bad.csv")
        try Data("Bad Code,名称\n".utf8).write(to: bad)
        #expect(throws: (any Error).self) { _ = try ProposalsSettings(environment: ["CIVIC_PROPOSALS_TOPICS_FILE": bad.path]) }
        #expect(throws: (any Error).self) {
            _ = try ProposalsSettings(environment: ["CIVIC_PROPOSALS_TOPICS_FILE": folder.appendingPathComponent("none.csv").path])
        }
        // Stored items under a topic the file dropped are named in the warnings.
        #expect(
            settings.warnings(today: d("2026-01-05"), topicsInUse: ["elderly_care", "funeral"]) == [
                CalendarWarning.provisionalYear(2027),
                "stored items use topics missing from the configured topic list: funeral; add them back (as retired) so reports name them",
            ])
    }

    @Test func aRunningServiceWarnsAboutTheTopicsItsItemsUse() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("civic-topics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("topics.csv")
        try Data("social_assistance,社会救助\n".utf8).write(to: file)
        let settings = try ProposalsSettings(environment: ["CIVIC_PROPOSALS_TOPICS_FILE": file.path])
        let store = try makeStore()
        _ = try await store.register(validRegistration(), by: staff)  // filed under elderly_care, which the file lacks
        let warnings = await settings.warnings(for: store)()
        #expect(
            warnings.contains("stored items use topics missing from the configured topic list: elderly_care; add them back (as retired) so reports name them"))
        #expect(!warnings.joined().contains(file.path))
    }

    @Test func aMissingHolidayScheduleWithinReachIsAWarning() throws {
        let settings = try ProposalsSettings(environment: [:])
        // 2025: this year and the next have their official notices built in.
        #expect(settings.warnings(today: d("2025-03-05"), topicsInUse: []) == [])
        // Early 2026: the next year, 2027, is provisional (warned while the current or next is).
        #expect(settings.warnings(today: d("2026-01-05"), topicsInUse: []) == [CalendarWarning.provisionalYear(2027)])
        // From June, deadlines also reach into 2027.
        #expect(
            settings.warnings(today: d("2026-06-01"), topicsInUse: []) == [
                CalendarWarning.provisionalYear(2027)
            ])
        #expect(WorkingCalendar.standard.provisionalYears(from: d("2026-11-25"), through: d("2028-01-01")) == [2027, 2028])
        #expect(WorkingCalendar.standard.provisionalYears(from: d("2026-11-25"), through: d("2026-01-01")) == [])
    }
}
