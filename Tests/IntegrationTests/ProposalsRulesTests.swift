import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation
import GatewayService
import ProposalsDomain
import Testing

/// Rules that keep the record honest, through the gateway: event dates that fit the
/// item's record, re-assignment after a return, who takes back a leader's sign-off, and
/// one urging per deadline per day.
@Suite("Proposals record rules", .serialized)
struct ProposalsRulesTests {
    typealias Office = ProposalsWorkflowTests.Office

    @Test func datesBeforeTheAssignmentOrTheReplyAreRefusedAndChangeNothing() async throws {
        let office = try await Office.open()
        let id = try await office.register("第26-700号")
        _ = try await office.staff.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-03-10"
            })
        let early = await rpcError {
            _ = try await office.staff.recordContact(
                .with {
                    $0.id = id; $0.stage = .beforeHandling; $0.summary = "电话"; $0.on = "2026-03-09"
                })
        }
        #expect(early?.code == .invalidArgument)
        #expect(early?.message == "on 2026-03-09 is before its assignment on 2026-03-10")
        #expect(early?.details.map { "\($0.field) \($0.reason)" } == ["on BEFORE_ASSIGNMENT"])
        #expect(try await office.staff.getItem(.with { $0.id = id }).item.state == .assigned)
        #expect(try await office.staff.getItemRecords(.with { $0.id = id }).contacts.isEmpty)

        _ = try await office.staff.recordContact(
            .with {
                $0.id = id; $0.stage = .beforeHandling; $0.summary = "电话"; $0.on = "2026-03-10"
            })
        try await office.signedOff(id, draft: "答复")
        _ = try await office.staff.reportItem(
            .with {
                $0.id = id; $0.on = "2026-05-18"
            })
        // A reply back-dated before the assignment would have counted as on time.
        let backDated = await rpcError {
            _ = try await office.staff.replyItem(
                .with {
                    $0.id = id; $0.result = .resultA; $0.adoption = .fullyAdopted; $0.on = "2026-03-01"
                })
        }
        #expect(backDated?.details.first?.reason == "BEFORE_ASSIGNMENT")
        #expect(try await office.staff.getItem(.with { $0.id = id }).item.state == .reported)
        _ = try await office.staff.replyItem(
            .with {
                $0.id = id; $0.result = .resultA; $0.adoption = .fullyAdopted; $0.on = "2026-05-20"
            })
        for refused in [
            await rpcError {
                _ = try await office.staff.publishReply(
                    .with {
                        $0.id = id; $0.on = "2026-05-19"
                    })
            },
            await rpcError {
                _ = try await office.deputy.giveFeedback(
                    .with {
                        $0.id = id; $0.rating = .dissatisfied; $0.on = "2026-05-19"
                    })
            },
            await rpcError {
                _ = try await office.staff.recordProgress(
                    .with {
                        $0.id = id; $0.progress = "已落实"; $0.on = "2026-05-19"
                    })
            },
        ] {
            #expect(refused?.code == .invalidArgument)
            #expect(refused?.message == "on 2026-05-19 is before its reply on 2026-05-20")
        }
        let item = try await office.staff.getItem(.with { $0.id = id }).item
        #expect(item.state == .replied && item.satisfaction == .unspecified && item.publishedOn.isEmpty)
        #expect(try await office.staff.getItemHistory(.with { $0.id = id }).entries.last?.action == "reply")
        // After 不满意 the new answer cannot be dated before the reply it replaces (it would
        // count as on time against the new deadline).
        _ = try await office.deputy.giveFeedback(
            .with {
                $0.id = id; $0.rating = .dissatisfied; $0.on = "2026-05-25"
            })
        _ = try await office.staff.recordContact(
            .with {
                $0.id = id; $0.stage = .afterHandling; $0.summary = "再次沟通"; $0.on = "2026-05-26"
            })
        try await office.signedOff(id, draft: "再次答复")
        let beforeOld = await rpcError {
            _ = try await office.staff.reportItem(
                .with {
                    $0.id = id; $0.on = "2026-05-19"
                })
        }
        #expect(beforeOld?.message == "on 2026-05-19 is before its previous reply on 2026-05-20")
        #expect(beforeOld?.details.first?.reason == "BEFORE_REPLY")
        await office.suite.stop()
    }

    @Test func aReturnedItemKeptWithTheBureauIsAssignedAnew() async throws {
        let office = try await Office.open()
        let id = try await office.register("第26-710号")
        _ = try await office.staff.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-03-10"
            })
        _ = try await office.staff.returnItem(
            .with {
                $0.id = id; $0.note = "不属我局职责"; $0.on = "2026-03-12"
            })
        #expect(try await office.leader.getAnnualReport(.with { $0.year = 2026 }).returned == 1)
        // The assigning office keeps it with the bureau (维持交办): assigned again, new deadlines —
        // not dated before the first assignment.
        let early = await rpcError {
            _ = try await office.staff.assignItem(
                .with {
                    $0.id = id; $0.role = .coHandling; $0.on = "2026-03-01"
                })
        }
        #expect(early?.details.first?.reason == "BEFORE_ASSIGNMENT")
        let again = try await office.staff.assignItem(
            .with {
                $0.id = id; $0.role = .coHandling; $0.on = "2026-03-20"
            }
        ).item
        #expect(again.state == .assigned)
        #expect(again.role == .coHandling)
        #expect(again.assignedOn == "2026-03-20")
        #expect(again.answerDue == "2026-04-20")  // 协办: one month
        #expect(again.returnWindowEnds == "2026-03-31")  // 7 working days again
        let history = try await office.staff.getItemHistory(.with { $0.id = id }).entries.map(\.action)
        #expect(history == ["register", "assign", "return", "assign"])
        let report = try await office.leader.getAnnualReport(.with { $0.year = 2026 })
        #expect(report.returned == 0 && report.total == 1)
        #expect(report.byRole.map(\.count) == [0, 1, 0])
        await office.suite.stop()
    }

    @Test func onlyALeaderTakesBackWhatALeaderSignedOff() async throws {
        let office = try await Office.open()
        let id = try await office.register("第26-720号")
        _ = try await office.staff.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-03-10"
            })
        _ = try await office.staff.recordContact(
            .with {
                $0.id = id; $0.stage = .beforeHandling; $0.summary = "电话"; $0.on = "2026-03-12"
            })
        try await office.signedOff(id, draft: "答复")
        let staff = await rpcError {
            _ = try await office.staff.sendBack(
                .with {
                    $0.id = id; $0.note = "再改改"
                })
        }
        #expect(staff?.code == .permissionDenied)
        #expect(staff?.message == "the draft was signed off by a leader: only a leader sends it back")
        #expect(try await office.staff.getItem(.with { $0.id = id }).item.state == .signedOff)
        #expect(
            try await office.leader.sendBack(
                .with {
                    $0.id = id; $0.note = "请补充落实举措"
                }
            ).item.state == .handling)
        await office.suite.stop()
    }

    @Test func anUrgingRunUrgesEachDeadlineOncePerDay() async throws {
        let office = try await Office.open()
        let id = try await office.register("第26-730号")
        _ = try await office.staff.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-03-10"
            })
        let first = try await office.staff.runUrging(.with { $0.today = "2026-06-05" })
        #expect(first.items.map(\.deadline) == ["reply"])
        #expect(first.alreadyUrged == 0)
        // Again the same day (by hand after the daily job, or after a failed run): nothing twice.
        let second = try await office.staff.runUrging(.with { $0.today = "2026-06-05" })
        #expect(second.items.isEmpty)
        #expect(second.alreadyUrged == 1)
        #expect(try await office.staff.getItem(.with { $0.id = id }).item.urgeCount == 1)
        // The next day it is urged again.
        #expect(try await office.staff.runUrging(.with { $0.today = "2026-06-08" }).items.map(\.urgeCount) == [2])
        // A run records facts: not for a day still to come (ListDueItems looks ahead).
        let ahead = await rpcError { _ = try await office.staff.runUrging(.with { $0.today = "2099-01-01" }) }
        #expect(ahead?.code == .invalidArgument)
        #expect(ahead?.details.first?.reason == "IN_THE_FUTURE")
        #expect(try await office.leader.listDueItems(.with { $0.today = "2099-01-01" }).items.count == 1)
        #expect(try await office.staff.getItem(.with { $0.id = id }).item.urgeCount == 2)
        await office.suite.stop()
    }

    @Test func aLeadAnswerWaitsForTheCoHandlingOpinionsOrSaysWhyNot() async throws {
        let office = try await Office.open()
        let id = try await office.register("第26-750号")
        _ = try await office.staff.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-03-10"
                $0.units = [
                    .with {
                        $0.unit = "养老服务科"; $0.role = .leadSole
                    },
                    .with {
                        $0.unit = "社会救助科"; $0.role = .coHandling
                    },
                    .with {
                        $0.unit = "慈善科"; $0.role = .coHandling
                    },
                ]
            })
        _ = try await office.staff.recordContact(
            .with {
                $0.id = id; $0.stage = .beforeHandling; $0.summary = "电话"; $0.on = "2026-03-12"
            })
        // One opinion on time (due 2026-04-10), the other late.
        _ = try await office.staff.recordUnitOpinion(
            .with {
                $0.id = id; $0.unit = "社会救助科"; $0.opinion = "同意"; $0.on = "2026-04-10"
            })
        try await office.signedOff(id, draft: "答复")
        let waiting = await rpcError {
            _ = try await office.staff.reportItem(
                .with {
                    $0.id = id; $0.on = "2026-04-20"
                })
        }
        #expect(waiting?.code == .failedPrecondition)
        #expect(waiting?.message == "no opinion yet from 慈善科: wait for it, or report with a note saying why")
        #expect(waiting?.details.first?.reason == "OPINIONS_MISSING")
        #expect(try await office.staff.getItem(.with { $0.id = id }).item.state == .signedOff)
        let late = try await office.staff.recordUnitOpinion(
            .with {
                $0.id = id; $0.unit = "慈善科"; $0.opinion = "无意见"; $0.on = "2026-04-21"
            }
        ).item
        #expect(late.units.map(\.opinionOnTime) == [false, true, false])  // the lead unit owes none
        #expect(
            try await office.staff.reportItem(
                .with {
                    $0.id = id; $0.on = "2026-04-22"
                }
            ).item.state == .reported)

        // Passing over a missing opinion takes a written reason, kept in the history.
        let other = try await office.register("第26-751号")
        _ = try await office.staff.assignItem(
            .with {
                $0.id = other; $0.role = .leadSole; $0.on = "2026-03-10"
                $0.units = [
                    .with {
                        $0.unit = "养老服务科"; $0.role = .leadSole
                    },
                    .with {
                        $0.unit = "慈善科"; $0.role = .coHandling
                    },
                ]
            })
        _ = try await office.staff.recordContact(
            .with {
                $0.id = other; $0.stage = .beforeHandling; $0.summary = "电话"; $0.on = "2026-03-12"
            })
        try await office.signedOff(other, draft: "答复")
        let reason = "慈善科经两次催办未反馈，按期上报"
        #expect(
            try await office.staff.reportItem(
                .with {
                    $0.id = other; $0.note = reason; $0.on = "2026-06-01"
                }
            ).item.state == .reported)
        #expect(try await office.staff.getItemHistory(.with { $0.id = other }).entries.last?.reason == reason)
        await office.suite.stop()
    }

    @Test func theLedgerExportsWhatTheListShowsAndProposersCanBeSearched() async throws {
        let office = try await Office.open()
        var request = registerRequest(number: "第26-760号", year: 2026)
        request.title = "=关于社区助餐点的建议"  // would run as a formula in a spreadsheet
        request.proposers[0].contact = "13800000000"
        request.proposers.append(.with { $0.name = "王五" })
        let id = try await office.staff.registerItem(request).item.id
        _ = try await office.staff.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-03-10"
                $0.units = [
                    .with {
                        $0.unit = "养老服务科"; $0.role = .leadSole
                    },
                    .with {
                        $0.unit = "社会救助科"; $0.role = .coHandling
                    },
                ]
            })
        var other = registerRequest(number: "第26-761号", year: 2026)
        other.proposers[0].name = "赵六"
        _ = try await office.staff.registerItem(other)

        let ledger = try await office.leader.exportItems(.with { $0.year = 2026 })
        #expect(ledger.count == 2)
        let lines = ledger.csv.split(separator: "\n").map(String.init)
        #expect(lines.first == "\u{FEFF}年度,类别,届次,编号,标题,领衔人,代表团/界别,附议人数,议题,重点督办,承办方式,承办科室,状态,交办日期,答复期限,催办次数,答复日期,按期答复,办理结果,采纳情况,满意度,公开期限,公开日期,暂定期限")
        #expect(lines[1] == "2026,代表建议,十七届区人大一次会议,第26-760号,'=关于社区助餐点的建议,李四,嘉定代表团,1,养老服务,否,主办(独办),养老服务科(主办(独办))；社会救助科(协办),已交办,2026-03-10,2026-06-10,0,,,,,,,,")
        #expect(lines[2].hasPrefix("2026,代表建议,十七届区人大一次会议,第26-761号,关于发展社区嵌入式养老服务的建议,赵六,"))
        #expect(!ledger.csv.contains("13800000000"))  // no contact details leave in a ledger
        // The same filters as ListItems; and the list finds an item by a proposer's name.
        #expect(
            try await office.staff.exportItems(
                .with {
                    $0.year = 2026; $0.state = .assigned
                }
            ).count == 1)
        #expect(try await office.staff.listItems(.with { $0.query = "赵六" }).items.map(\.number) == ["第26-761号"])
        #expect(try await office.staff.listItems(.with { $0.query = "王五" }).items.map(\.number) == ["第26-760号"])
        // Unit staff export their unit's items only; deputies have no ledger.
        let clerk = Civic_Proposals_V1_ProposalServiceClient(
            office.suite.caller(
                token: try await office.suite.issueKey(
                    NewKey(name: "社会救助科 陈刚", roles: [.staff], services: ["proposals"], subject: "社会救助科"))))
        #expect(try await clerk.exportItems(.init()).count == 1)
        #expect(await rpcError { _ = try await office.deputy.exportItems(.init()) }?.code == .permissionDenied)
        await office.suite.stop()
    }

    @Test func unitOpinionsAreOwedOnlyWhileTheItemIsOpen() async throws {
        let office = try await Office.open()
        let reference = try await office.register("第26-740号")
        _ = try await office.staff.assignItem(
            .with {
                $0.id = reference; $0.role = .reference;
                $0.units = [
                    .with {
                        $0.unit = "社会救助科"; $0.role = .reference
                    }
                ]
            })
        let onReference = await rpcError {
            _ = try await office.staff.recordUnitOpinion(
                .with {
                    $0.id = reference; $0.unit = "社会救助科"; $0.opinion = "x"
                })
        }
        #expect(onReference?.code == .failedPrecondition)
        // Bad input is named before anything is looked up: unit staff too.
        let clerk = Civic_Proposals_V1_ProposalServiceClient(
            office.suite.caller(
                token: try await office.suite.issueKey(
                    NewKey(name: "社会救助科 陈刚", roles: [.staff], services: ["proposals"], subject: "社会救助科"))))
        #expect(
            await rpcError {
                _ = try await clerk.recordContact(
                    .with {
                        $0.stage = .beforeHandling; $0.summary = "x"
                    })
            }?.details.first?.field == "id")
        let noUnit = await rpcError {
            _ = try await clerk.recordUnitOpinion(
                .with {
                    $0.id = reference; $0.opinion = "x"
                })
        }
        #expect(noUnit?.code == .invalidArgument)
        #expect(noUnit?.details.first?.field == "unit")
        await office.suite.stop()
    }
}
