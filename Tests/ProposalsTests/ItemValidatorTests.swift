import CivicDomain
import CivicRPC
import Testing

@testable import ProposalsDomain
@testable import ProposalsService

func validRegistration() -> ItemRegistration {
    ItemRegistration(
        kind: .npcSuggestion, year: 2021, session: "十五届区人大五次会议", number: "第21-168号",
        title: "关于发展社区嵌入式养老服务的建议", body: "建议……",
        proposers: [Proposer(name: "李四", lead: true, delegation: "嘉定代表团", contact: "13800000000"), Proposer(name: "王五", lead: false)],
        topic: "elderly_care", keySupervised: true)
}

/// The (field, reason) pairs a registration is refused for.
func problems(_ registration: ItemRegistration) -> [String] {
    do {
        try ItemValidator().validate(registration)
        return []
    } catch let error as ValidationErrors {
        return error.details.map { "\($0.field):\($0.reason)" }
    } catch {
        return ["unexpected \(error)"]
    }
}

@Suite("Item registration rules")
struct ItemValidatorTests {
    @Test func aCompleteRegistrationPasses() {
        #expect(problems(validRegistration()) == [])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let empty = ItemRegistration(kind: nil, year: 3000, number: " ", title: "", proposers: [], topic: "")
        #expect(problems(empty) == ["kind:REQUIRED", "year:OUT_OF_RANGE", "number:REQUIRED", "title:REQUIRED", "proposers:REQUIRED", "topic:REQUIRED"])
    }

    @Test func exactlyOneLeadProposer() {
        var r = validRegistration()
        r.proposers = [Proposer(name: "李四", lead: false), Proposer(name: "王五", lead: false)]
        #expect(problems(r) == ["proposers:ONE_LEAD"])
        r.proposers = [Proposer(name: "李四", lead: true), Proposer(name: "王五", lead: true)]
        #expect(problems(r) == ["proposers:ONE_LEAD"])
    }

    @Test func proposersNeedNames() {
        var r = validRegistration()
        r.proposers.append(Proposer(name: "  ", lead: false))
        #expect(problems(r) == ["proposers[2].name:REQUIRED"])
    }

    @Test func topicMustBeInTheCatalog() {
        var r = validRegistration()
        r.topic = "weather"
        #expect(problems(r) == ["topic:UNKNOWN"])
    }

    @Test func lengthsAreBounded() {
        var r = validRegistration()
        r.title = String(repeating: "长", count: ItemValidator.maxTitleLength + 1)
        r.number = String(repeating: "9", count: ItemValidator.maxNumberLength + 1)
        #expect(problems(r) == ["number:TOO_LONG", "title:TOO_LONG"])
        r = validRegistration()
        r.title = String(repeating: "长", count: ItemValidator.maxTitleLength)
        #expect(problems(r) == [])
        // The session and every proposer field: a 3.9 MB session is refused before anything is stored.
        r = validRegistration()
        r.session = String(repeating: "会", count: 3_900_000)
        r.proposers[1].name = String(repeating: "名", count: ItemValidator.maxProposerNameLength + 1)
        r.proposers[1].delegation = String(repeating: "团", count: ItemValidator.maxDelegationLength + 1)
        r.proposers[0].contact = String(repeating: "1", count: ItemValidator.maxContactLength + 1)
        r.proposers[0].memberID = String(repeating: "N", count: ItemValidator.maxMemberIDLength + 1)
        #expect(
            problems(r) == [
                "session:TOO_LONG", "proposers[0].contact:TOO_LONG", "proposers[0].member_id:TOO_LONG", "proposers[1].name:TOO_LONG",
                "proposers[1].delegation:TOO_LONG",
            ])
        r = validRegistration()
        r.session = String(repeating: "会", count: ItemValidator.maxSessionLength)
        r.proposers[0].name = String(repeating: "名", count: ItemValidator.maxProposerNameLength)
        #expect(problems(r) == [])
    }

    @Test func validationErrorsMapToInvalidArgument() {
        var errors = ValidationErrors()
        errors.add("title", "REQUIRED", "title is required")
        #expect(errors.rpcError.code == .invalidArgument)
        #expect(errors.rpcError.message == "title is required")
    }
}

@Suite("Corrections")
struct CorrectionRuleTests {
    @Test func changesNameEachFieldAndTrimAsStored() {
        let item = Item(
            id: "i", kind: .npcSuggestion, year: 2021, session: "s", number: "第21-168号", title: "旧标题", body: "正文",
            proposers: [Proposer(name: "李四", lead: true)], topic: "elderly_care", keySupervised: false, state: .assigned,
            registeredAt: "", registeredBy: "")
        var registration = ItemRegistration(item)
        #expect(registration.changes(from: item) == [])
        registration.title = "  新标题 "
        registration.body = "新正文"
        registration.keySupervised = true
        registration.number = "第21-168号 "
        #expect(registration.changes(from: item) == ["title: 旧标题 → 新标题", "body", "key_supervised: false → true"])
    }

    @Test func aCorrectionMayKeepATopicRetiredSince() throws {
        let validator = ItemValidator(topics: try TopicCatalog.parse("elderly_care,养老服务\nold_topic,旧分类,retired"))
        var registration = validRegistration()
        registration.topic = "old_topic"
        #expect(throws: ValidationErrors.self) { try validator.validate(registration) }
        #expect(throws: Never.self) { try validator.validate(registration, keptTopic: "old_topic") }
        #expect(throws: ValidationErrors.self) { try validator.validate(registration, keptTopic: "elderly_care") }
    }
}
