import CivicDomain
import CivicStorage
import Foundation
import ProposalsDomain
import ProposalsService
import Testing

/// The gates' rules as pure functions over an item, and what the store records for them.
@Suite("Item moves")
struct ItemMovesTests {
    let rules = ReplyDeadlines()
    let calendar = WorkingCalendar.standard

    /// A sole-lead item assigned 2026-03-10 (reply due 2026-06-10, return window to 03-19).
    func assigned() throws -> Item {
        var item = validRegistration().item(id: "i", kind: .npcSuggestion, registeredAt: "", registeredBy: "")
        let assignment = try Assignment(role: .leadSole, units: [], complex: false, complexReason: "")
        _ = try ItemMoves.assign(assignment, on: d("2026-03-10"), rules: rules, calendar: calendar).change(&item)
        return item
    }

    func refusal(_ move: ItemMove, on item: Item) -> String? {
        var copy = item
        do {
            _ = try move.change(&copy)
            return nil
        } catch let error as DomainError {
            return "\(error.kind) \(error.reason): \(error.message)"
        } catch {
            return "\(error)"
        }
    }

    @Test func anAssignmentReportsEveryProblemAtOnce() {
        let units: [Assignment.RequestedUnit] = [
            .init(unit: "养老服务科", role: .coHandling), .init(unit: " ", role: .coHandling), .init(unit: "养老服务科", role: .coHandling),
            .init(unit: "慈善科", role: nil),
        ]
        let lead = #expect(throws: ValidationErrors.self) { try Assignment(role: .leadSole, units: units, complex: true, complexReason: " ") }
        #expect(
            lead?.details.map { "\($0.field) \($0.reason)" } == [
                "units[1].unit REQUIRED", "units[2].unit DUPLICATE", "units[3].role REQUIRED", "units NO_LEAD_UNIT", "complex_reason REQUIRED",
            ])
        let reference = #expect(throws: ValidationErrors.self) {
            try Assignment(role: .reference, units: [.init(unit: "慈善科", role: .leadSole)], complex: true, complexReason: "x")
        }
        #expect(reference?.details.map(\.reason) == ["NOT_REFERENCE", "NOT_LEAD"])
    }

    @Test func assigningSetsTheDeadlinesAndReturningKeepsToTheWindow() throws {
        let item = try assigned()
        #expect(item.answerDue == d("2026-06-10") && item.returnWindowEnds == d("2026-03-19"))
        #expect(refusal(ItemMoves.returnItem(on: d("2026-03-19"), note: "x"), on: item) == nil)
        #expect(
            refusal(ItemMoves.returnItem(on: d("2026-03-20"), note: "x"), on: item)
                == "failedPrecondition RETURN_WINDOW_CLOSED: the return window ended on 2026-03-19")
    }

    @Test func anExtensionIsLaterAndWithinTheCap() throws {
        var item = try assigned()
        func extend(_ to: String) -> ItemMove { ItemMoves.extendDeadline(to: d(to), reason: "x", rules: rules, calendar: calendar) }
        #expect(refusal(extend("2026-06-10"), on: item) == "invalid NOT_LATER: new_due must be later than the current due date 2026-06-10")
        #expect(refusal(extend("2026-09-11"), on: item) == "invalid TOO_LATE: new_due may be at most 2026-09-10 (6 months after assignment)")
        #expect(refusal(extend("2026-09-10"), on: item) == nil)
        // Reopened after 不满意 with the re-reply due late in the year: a month past that date.
        item.satisfaction = .dissatisfied
        item.answerDue = d("2026-11-02")
        #expect(refusal(extend("2026-12-03"), on: item) == "invalid TOO_LATE: new_due may be at most 2026-12-02 (1 month(s) past the re-reply date 2026-11-02)")
        item.answerDue = nil
        #expect(refusal(extend("2026-12-01"), on: item) == "failedPrecondition NO_DEADLINE: the item has no deadline to extend")
    }

    @Test func publishingNeedsATextAndMasksIt() throws {
        var item = try assigned()
        #expect(refusal(ItemMoves.publish(edited: "", on: d("2026-05-25"), note: ""), on: item)?.hasPrefix("failedPrecondition NO_TEXT") == true)
        _ = try ItemMoves.publish(edited: "请致电13800000000", on: d("2026-05-25"), note: "").change(&item)
        #expect(item.publishedText == "请致电[联系方式已隐去]")
        #expect(item.publishedOn == d("2026-05-25"))
    }

    @Test func theStoreWritesWhatMovesRecordAndReadsItBackTyped() async throws {
        let store = try makeStore()
        let id = try await store.register(validRegistration(), by: staff).id
        let assignment = try Assignment(role: .leadSole, units: [], complex: false, complexReason: "")
        _ = try await store.apply(ItemMoves.assign(assignment, on: d("2026-03-10"), rules: rules, calendar: calendar), to: id, by: staff)
        let contact = ContactRecord(stage: .before, faceToFace: true, summary: "上门走访", on: d("2026-03-12"), recordedBy: staff.id)
        #expect(try await store.apply(ItemMoves.recordContact(contact), to: id, by: staff).metFaceToFace)
        #expect(try await store.records(itemID: id) == ItemRecords(contacts: [contact]))

        // One urging per deadline and day: a second is refused and changes nothing.
        let deadline = try #require(UrgingPlan.due(try await store.item(id: id), today: d("2026-06-01"), rules: rules, calendar: calendar).first)
        #expect(deadline.deadline == .reply && deadline.due == d("2026-06-10"))
        let urge = ItemMoves.urge(deadline, day: d("2026-06-01"), rules: rules, calendar: calendar)
        #expect(try await store.apply(urge, to: id, by: staff).urgeCount == 1)
        let again = await #expect(throws: DomainError.self) { _ = try await store.apply(urge, to: id, by: staff) }
        #expect(again?.reason == "ALREADY_URGED")
        #expect(try await store.item(id: id).urgeCount == 1)
        #expect(try await store.auditTrail(itemID: id).map(\.action) == ["register", "assign", "record-contact", "urge"])
        // No longer owed (the day is far from the due date): refused before anything is written.
        let early = ItemMoves.urge(deadline, day: d("2026-04-01"), rules: rules, calendar: calendar)
        let notDue = await #expect(throws: DomainError.self) { _ = try await store.apply(early, to: id, by: staff) }
        #expect(notDue?.message == "reply no longer due")
    }
}
