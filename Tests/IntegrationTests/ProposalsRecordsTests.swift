import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation
import GatewayService
import ProposalsDomain
import Testing

/// Correcting a registration and finding items, through the gateway.
@Suite("Proposals corrections and item search", .serialized)
struct ProposalsRecordsTests {
    typealias Office = ProposalsWorkflowTests.Office

    @Test func aCorrectionReplacesTheRegistrationAndIsInTheHistory() async throws {
        let office = try await Office.open()
        let id = try await office.register("第26-400号")
        _ = try await office.register("第26-401号")
        _ = try await office.staff.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-03-10"
            })

        var corrected = registerRequest(number: "第26-400号", year: 2026)
        corrected.title = "关于完善社区助餐服务的建议"
        corrected.topic = "social_assistance"
        corrected.proposers[0].memberID = "NPC-0042"
        corrected.proposers[0].contact = "13800000000"
        var coSigner = Civic_Proposals_V1_Proposer()
        coSigner.name = "王五"
        corrected.proposers.append(coSigner)
        let item = try await office.staff.correctItem(
            .with {
                $0.id = id; $0.item = corrected; $0.reason = "标题和分类录入有误"
            }
        ).item
        #expect(item.title == "关于完善社区助餐服务的建议")
        #expect(item.topic == "social_assistance")
        #expect(item.proposers.map(\.name) == ["李四", "王五"])
        // Handling is untouched.
        #expect(item.state == .assigned)
        #expect(item.answerDue == "2026-06-10")
        let entry = try await office.staff.getItemHistory(.with { $0.id = id }).entries.last
        #expect(entry?.action == "correct")
        #expect(entry?.reason == "标题和分类录入有误")
        #expect(entry?.detail == "title: 关于发展社区嵌入式养老服务的建议 → 关于完善社区助餐服务的建议; proposers; topic: elderly_care → social_assistance")
        // The report counts it under its new topic.
        let report = try await office.staff.getAnnualReport(.with { $0.year = 2026 })
        #expect(Dictionary(uniqueKeysWithValues: report.topics.map { ($0.topic, $0.total.count) }) == ["elderly_care": 1, "social_assistance": 1])

        // Refusals change nothing: another item's number, no change, no reason, a unit's clerk.
        var clash = corrected
        clash.number = "第26-401号"
        let duplicate = await rpcError {
            _ = try await office.staff.correctItem(
                .with {
                    $0.id = id; $0.item = clash; $0.reason = "x"
                })
        }
        #expect(duplicate?.code == .alreadyExists)
        let same = await rpcError {
            _ = try await office.staff.correctItem(
                .with {
                    $0.id = id; $0.item = corrected; $0.reason = "x"
                })
        }
        #expect(same?.details.map(\.reason) == ["NO_CHANGE"])
        var invalid = corrected
        invalid.title = ""
        invalid.topic = "weather"
        let bad = await rpcError {
            _ = try await office.staff.correctItem(
                .with {
                    $0.id = id; $0.item = invalid; $0.reason = "x"
                })
        }
        #expect(bad?.details.map(\.field) == ["item.title", "item.topic"])
        invalid.kind = .unspecified  // every problem at once, the kind's among them
        let noKind = await rpcError {
            _ = try await office.staff.correctItem(
                .with {
                    $0.id = id; $0.item = invalid; $0.reason = "x"
                })
        }
        #expect(noKind?.details.map(\.field) == ["item.kind", "item.title", "item.topic"])
        #expect(
            await rpcError {
                _ = try await office.staff.correctItem(
                    .with {
                        $0.id = id; $0.item = clash
                    })
            }?.code == .invalidArgument)
        let clerk = Civic_Proposals_V1_ProposalServiceClient(
            office.suite.caller(
                token: try await office.suite.issueKey(
                    NewKey(name: "养老服务科", roles: [.staff], services: ["proposals"], subject: "养老服务科"))))
        #expect(
            await rpcError {
                _ = try await clerk.correctItem(
                    .with {
                        $0.id = id; $0.item = clash; $0.reason = "x"
                    })
            }?.code == .permissionDenied)
        #expect(
            await rpcError {
                _ = try await office.leader.correctItem(
                    .with {
                        $0.id = id; $0.item = clash; $0.reason = "x"
                    })
            }?.code == .permissionDenied)
        let stored = try await office.staff.getItem(.with { $0.id = id }).item
        #expect(stored.number == "第26-400号")
        #expect(stored.title == "关于完善社区助餐服务的建议")
        #expect(try await office.staff.getItemHistory(.with { $0.id = id }).entries.filter { $0.action == "correct" }.count == 1)
        await office.suite.stop()
    }

    @Test func correctingAContactMasksItInTheTextAlreadyPublished() async throws {
        let office = try await Office.open()
        var request = registerRequest(number: "第26-450号", year: 2026)
        request.proposers[0].contact = "021-11111111"  // recorded wrongly
        let id = try await office.staff.registerItem(request).item.id
        _ = try await office.staff.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-03-10"
            })
        _ = try await office.staff.recordContact(
            .with {
                $0.id = id; $0.stage = .beforeHandling; $0.summary = "电话"; $0.on = "2026-03-12"
            })
        _ = try await office.staff.draftReply(
            .with {
                $0.id = id; $0.text = "已按您留的电话021-64871234联系。"
            })
        _ = try await office.staff.signBySection(.with { $0.id = id })
        _ = try await office.leader.signOff(.with { $0.id = id })
        _ = try await office.staff.reportItem(.with { $0.id = id })
        _ = try await office.staff.replyItem(
            .with {
                $0.id = id; $0.result = .resultA; $0.adoption = .fullyAdopted; $0.on = "2026-05-20"
            })
        let published = try await office.staff.publishReply(
            .with {
                $0.id = id; $0.on = "2026-05-25"
            }
        ).item
        #expect(published.publishedText == "已按您留的电话021-64871234联系。")  // a landline not on record stays
        var corrected = request
        corrected.proposers[0].contact = "021-64871234"
        let item = try await office.staff.correctItem(
            .with {
                $0.id = id; $0.item = corrected; $0.reason = "联系电话录入有误"
            }
        ).item
        #expect(item.publishedText == "已按您留的电话[联系方式已隐去]联系。")
        let list = try Civic_Proposals_V1_ListPublishedRepliesResponse(
            jsonString: try await office.suite.http(
                "POST", "/rpc/civic.proposals.v1.ProposalService/ListPublishedReplies", body: "{}", token: nil
            ).body)
        #expect(list.replies.map(\.replyText) == ["已按您留的电话[联系方式已隐去]联系。"])
        await office.suite.stop()
    }

    @Test func listItemsFiltersByStateRoleUnitKeyFlagAndText() async throws {
        let office = try await Office.open()
        let a = try await office.register("第26-500号")
        let b = try await office.register("第26-501号")
        var keyed = registerRequest(number: "BJ-50%", year: 2026)
        keyed.title = "关于殡葬改革的建议"
        keyed.keySupervised = true
        let c = try await office.staff.registerItem(keyed).item.id
        _ = try await office.staff.assignItem(
            .with {
                $0.id = a; $0.role = .leadSole;
                $0.units = [
                    .with {
                        $0.unit = "养老服务科"; $0.role = .leadSole
                    },
                    .with {
                        $0.unit = "社会救助科"; $0.role = .coHandling
                    },
                ]
            })
        _ = try await office.staff.assignItem(
            .with {
                $0.id = b; $0.role = .coHandling;
                $0.units = [
                    .with {
                        $0.unit = "社会救助科"; $0.role = .coHandling
                    }
                ]
            })

        func numbers(_ request: Civic_Proposals_V1_ListItemsRequest, as client: Civic_Proposals_V1_ProposalServiceClient? = nil) async throws -> [String] {
            try await (client ?? office.staff).listItems(request).items.map(\.number)
        }
        #expect(try await numbers(.with { $0.state = .assigned }) == ["第26-500号", "第26-501号"])
        #expect(try await numbers(.with { $0.state = .registered }) == ["BJ-50%"])
        #expect(try await numbers(.with { $0.role = .coHandling }) == ["第26-501号"])
        #expect(try await numbers(.with { $0.unit = "社会救助科" }) == ["第26-500号", "第26-501号"])
        #expect(
            try await numbers(
                .with {
                    $0.unit = "养老服务科"; $0.role = .coHandling
                }) == [])
        #expect(try await numbers(.with { $0.keySupervisedOnly = true }) == ["BJ-50%"])
        #expect(try await numbers(.with { $0.query = "殡葬" }) == ["BJ-50%"])
        #expect(try await numbers(.with { $0.query = "bj-50%" }) == ["BJ-50%"])  // number, either case, % taken literally
        #expect(try await numbers(.with { $0.query = "%" }) == ["BJ-50%"])
        #expect(try await numbers(.with { $0.query = "501" }) == ["第26-501号"])
        #expect(try await office.staff.listItems(.with { $0.query = "养老" }).page.totalCount == 2)
        #expect(await rpcError { _ = try await office.staff.listItems(.with { $0.query = String(repeating: "x", count: 101) }) }?.code == .invalidArgument)
        // A deputy's filters apply within their own items; units are not searched for them.
        #expect(try await numbers(.with { $0.state = .assigned }, as: office.deputy) == ["第26-500号", "第26-501号"])
        #expect(try await numbers(.with { $0.unit = "不存在的科" }, as: office.deputy) == ["第26-500号", "第26-501号"])
        _ = c
        await office.suite.stop()
    }
}
