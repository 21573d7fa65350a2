import CivicDomain
import EldercareDomain
import Foundation
import Testing

@Suite("检查清单 checklist tree")
struct ChecklistTests {
    /// deploy/eldercare/checklist-sample.json, found from this file: Tests/EldercareTests/ → root.
    static let samplePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/eldercare/checklist-sample.json").path

    static func sample() throws -> Checklist { try Checklist.load(file: samplePath) }

    /// The problems' "field REASON" pairs of a thrown DomainError.
    static func problems(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let error as DomainError {
            return error.problems.map { "\($0.field) \($0.reason)" }
        } catch {
            return ["\(error)"]
        }
    }

    static func parse(_ json: String) throws -> Checklist { try Checklist(json: Data(json.utf8)) }

    // MARK: - The shipped sample

    @Test func sampleHasAnyangsShape() throws {
        let checklist = try Self.sample()
        #expect(checklist.counts == ChecklistCounts(areas: 5, subAreas: 23, items: 118))
        #expect(checklist.counts.description == "5/23/118")
        #expect(checklist.areas.map { $0.subAreas.count } == [5, 5, 5, 4, 4])
        #expect(checklist.itemsPerArea == ["1": 27, "2": 23, "3": 26, "4": 19, "5": 23])
        #expect(checklist.totalWeight == 239)
        #expect(checklist.items.count == 118)
        #expect(Set(checklist.items.map(\.code)).count == 118)
    }

    @Test func sampleIsMarkedAsASample() throws {
        let checklist = try Self.sample()
        #expect(checklist.isSample)
        #expect(checklist.version == "sample-wuchawugai-1")
        #expect(checklist.note.hasPrefix("SAMPLE ONLY"))
        #expect(checklist.note.contains("each bureau loads its own"))
        #expect(checklist.areas.map(\.title) == ["查消防安全", "查食品安全", "查服务质量", "查建筑设施安全", "查运营管理"])
    }

    @Test func lookupByItemCode() throws {
        let checklist = try Self.sample()
        let item = try #require(checklist.item("5.3.2"))
        #expect(item.text == "无销售养老“会员卡”“贵宾卡”等承诺高额回报的行为")
        #expect(item.weight == 3)
        #expect(item.hazardClass == .illegalFundraising)
        #expect(item.legalBasis == "《防范和处置非法集资条例》")
        #expect(item.areaCode == "5")
        #expect(item.subAreaCode == "5.3")
        let location = try #require(checklist.location(of: "1.2.1"))
        #expect(location.area.title == "查消防安全")
        #expect(location.subArea.title == "疏散通道与安全出口")
        #expect(checklist.item("1.2.1")?.hazardClass == .fireSafety)
        #expect(checklist.item("9.9.9") == nil)
        #expect(checklist.item("1.2") == nil)  // a sub-area is not an item
        #expect(checklist.location(of: "nope") == nil)
    }

    @Test func sampleRoundTripsThroughItsDocument() throws {
        let checklist = try Self.sample()
        let again = try Checklist(json: try JSONEncoder().encode(checklist.document))
        #expect(again == checklist)
    }

    // MARK: - Score

    @Test func scoreIsPassedWeightOverApplicableWeight() throws {
        let checklist = try Self.sample()
        // All pass.
        #expect(try checklist.score(failed: []).points.description == "100.0")
        // 1.1.3 weighs 3: 236 / 239 = 98.74… → 98.7.
        let one = try checklist.score(failed: ["1.1.3"])
        #expect(one.passedWeight == 236)
        #expect(one.failedWeight == 3)
        #expect(one.failedItems == 1)
        #expect(one.description == "98.7")
        // 1.1.1 (2) and 5.3.1 (3) fail, 2.1.1 (3) does not apply: 231 / 236 = 97.88… → 97.9.
        let mixed = try checklist.score(failed: ["1.1.1", "5.3.1"], notApplicable: ["2.1.1"])
        #expect(mixed.passedWeight == 231)
        #expect(mixed.applicableWeight == 236)
        #expect(mixed.notApplicableWeight == 3)
        #expect(mixed.points == Percentage(tenths: 979))
        // Everything fails: 0.0.
        #expect(try checklist.score(failed: checklist.items.map(\.code)).description == "0.0")
        // Nothing applies: nothing failed, 100.0.
        #expect(try checklist.score(failed: [], notApplicable: checklist.items.map(\.code)).description == "100.0")
    }

    @Test func scoreHalfUpAtTheBoundary() throws {
        // Weights 1 + 7 = 8 … a failed 1 of a total of 8 leaves 7/8 = 87.5 exactly; 1 of 16 → 93.75 → 93.8.
        let checklist = try Self.parse(Self.tree(weights: [1, 7]))
        #expect(try checklist.score(failed: ["1.1.1"]).description == "87.5")
        let sixteen = try Self.parse(Self.tree(weights: [1, 15]))
        #expect(try sixteen.score(failed: ["1.1.1"]).description == "93.8")
    }

    @Test func scoreRefusesUnknownAndConflictingCodes() throws {
        let checklist = try Self.sample()
        #expect(
            Self.problems { _ = try checklist.score(failed: ["1.1.1", "8.8.8"], notApplicable: ["1.1.1", "7.7"]) } == [
                "failed[1] UNKNOWN_ITEM", "not_applicable[0] CONFLICTING_RESULT", "not_applicable[1] UNKNOWN_ITEM",
            ])
    }

    // MARK: - Bad trees

    static func tree(weights: [Int]) -> String {
        let items = weights.enumerated().map { i, w in
            #"{"code": "1.1.\#(i + 1)", "text": "t", "weight": \#(w), "hazard_class": "fire_safety", "legal_basis": "b"}"#
        }
        return #"{"version": "v1", "title": "t", "areas": [{"code": "1", "title": "a", "sub_areas": [{"code": "1.1", "title": "s", "items": ["#
            + items.joined(separator: ",") + "]}]}]}"
    }

    @Test func everyProblemOfABadTreeWithItsPath() {
        let json = #"""
            {"version": "", "title": "坏清单",
             "areas": [
               {"code": "1", "title": "查消防安全", "sub_areas": [
                 {"code": "1.1", "title": "设施", "items": [
                   {"code": "1.1.1", "text": "灭火器", "weight": 2, "hazard_class": "fire_safety", "legal_basis": "消防法"},
                   {"code": "1.1.1", "text": "重复", "weight": 0, "hazard_class": "fire", "legal_basis": "消防法"},
                   {"code": "1.2.1", "text": "错位", "weight": -1, "legal_basis": "消防法"},
                   {"code": "1.10", "text": " ", "hazard_class": "management", "legal_basis": ""}
                 ]},
                 {"code": "2.1", "title": "错区", "items": []},
                 {"code": "1.1", "title": "重复分项"}
               ]},
               {"code": "2", "title": "空方面", "sub_areas": []},
               {"title": "无代码"}
             ]}
            """#
        #expect(
            Self.problems { _ = try Self.parse(json) } == [
                "version REQUIRED",
                "areas[0].sub_areas[0].items[1].code DUPLICATE_CODE",
                "areas[0].sub_areas[0].items[1].weight NOT_POSITIVE",
                "areas[0].sub_areas[0].items[1].hazard_class UNKNOWN_HAZARD_CLASS",
                "areas[0].sub_areas[0].items[2].code NOT_UNDER_PARENT",
                "areas[0].sub_areas[0].items[2].weight NOT_POSITIVE",
                "areas[0].sub_areas[0].items[2].hazard_class REQUIRED",
                "areas[0].sub_areas[0].items[3].code NOT_UNDER_PARENT",
                "areas[0].sub_areas[0].items[3].text REQUIRED",
                "areas[0].sub_areas[0].items[3].legal_basis REQUIRED",
                "areas[0].sub_areas[0].items[3].weight REQUIRED",
                "areas[0].sub_areas[1].code NOT_UNDER_PARENT",
                "areas[0].sub_areas[1].items EMPTY",
                "areas[0].sub_areas[2].code DUPLICATE_CODE",
                "areas[0].sub_areas[2].items EMPTY",
                "areas[1].sub_areas EMPTY",
                "areas[2].code REQUIRED",
                "areas[2].sub_areas EMPTY",
            ])
    }

    @Test func duplicateNamesTheFirstPlace() {
        let json = #"{"version": "v", "title": "t", "areas": [{"code": "1", "title": "a", "sub_areas": [{"code": "1", "title": "s", "items": []}]}]}"#
        do {
            _ = try Self.parse(json)
            Issue.record("expected a refusal")
        } catch let error as DomainError {
            #expect(error.kind == .invalid)
            #expect(error.problems.map(\.reason) == ["DUPLICATE_CODE", "NOT_UNDER_PARENT", "EMPTY"])
            #expect(error.problems[0].description.contains("already used at areas[0].code"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func noAreasAtAll() {
        #expect(Self.problems { _ = try Self.parse(#"{"version": "v", "title": "t", "areas": []}"#) } == ["areas EMPTY"])
        #expect(Self.problems { _ = try Self.parse(#"{"version": "v"}"#) } == ["title REQUIRED", "areas EMPTY"])
    }

    @Test func undecodableJSONNamesWhereItStopped() {
        #expect(Self.problems { _ = try Self.parse("not json") } == [" BAD_JSON"])
        let weightAsText = Self.tree(weights: [1]).replacingOccurrences(of: #""weight": 1"#, with: #""weight": "one""#)
        #expect(Self.problems { _ = try Self.parse(weightAsText) } == ["areas[0].sub_areas[0].items[0].weight BAD_JSON"])
    }

    @Test func missingFileIsUnreadable() {
        #expect(Self.problems { _ = try Checklist.load(file: "/nonexistent/checklist.json") } == ["file UNREADABLE"])
    }

    @Test func hazardClassesAreStable() {
        #expect(
            HazardClass.allCases.map(\.rawValue) == [
                "fire_safety", "food_safety", "building_safety", "service_quality", "management", "illegal_fundraising",
            ])
    }
}
