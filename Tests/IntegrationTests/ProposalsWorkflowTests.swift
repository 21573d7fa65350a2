import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation
import GatewayService
import ProposalsDomain
import Testing

/// The proposals office's work through the gateway, each step by the role that does it.
@Suite("Proposals workflow end to end", .serialized)
struct ProposalsWorkflowTests {
    struct Office {
        let suite: RunningSuite
        let staff: Civic_Proposals_V1_ProposalServiceClient
        let leader: Civic_Proposals_V1_ProposalServiceClient
        let deputy: Civic_Proposals_V1_ProposalServiceClient

        static func open() async throws -> Office {
            let suite = try await RunningSuite.start()
            return Office(
                suite: suite,
                staff: .init(suite.caller(token: try await suite.issueKey(NewKey(name: "提案办 王芳", roles: [.staff], services: ["proposals"])))),
                leader: .init(suite.caller(token: try await suite.issueKey(NewKey(name: "分管局长", roles: [.leader])))),
                deputy: .init(suite.caller(token: try await suite.issueKey(NewKey(name: "代表 李四", roles: [.deputy], subject: "NPC-0042")))))
        }

        func register(_ number: String) async throws -> String {
            var request = registerRequest(number: number, year: 2026)
            request.proposers[0].memberID = "NPC-0042"
            request.proposers[0].contact = "13800000000"
            return try await staff.registerItem(request).item.id
        }

        /// Review of a handled item: drafted, section-signed, signed off by the leader.
        func signedOff(_ id: String, draft: String = "答复") async throws {
            _ = try await staff.draftReply(
                .with {
                    $0.id = id; $0.text = draft
                })
            _ = try await staff.signBySection(.with { $0.id = id })
            _ = try await leader.signOff(.with { $0.id = id })
        }
    }

    @Test func anItemWalksAllNineGates() async throws {
        let office = try await Office.open()
        let id = try await office.register("第26-001号")

        // 交办: 主办·独办, the elderly-care section leads; due 3 months later (2026-06-10).
        var assign = Civic_Proposals_V1_AssignItemRequest()
        assign.id = id
        assign.role = .leadSole
        assign.units = [
            .with {
                $0.unit = "养老服务科"; $0.role = .leadSole
            },
            .with {
                $0.unit = "社会救助科"; $0.role = .coHandling
            },
        ]
        assign.on = "2026-03-10"
        var item = try await office.staff.assignItem(assign).item
        #expect(item.state == .assigned)
        #expect(item.answerDue == "2026-06-10")
        #expect(item.returnWindowEnds == "2026-03-19")
        #expect(item.units.map(\.unit) == ["养老服务科", "社会救助科"])
        #expect(item.units.map(\.opinionDue) == ["", "2026-04-10"])  // the co-handling unit's opinion: one month

        // 承办: contacts before and during handling; one face to face.
        item = try await office.staff.recordContact(
            .with {
                $0.id = id; $0.stage = .beforeHandling; $0.summary = "电话沟通办理思路"; $0.on = "2026-03-12"
            }
        ).item
        #expect(item.state == .handling)
        #expect(!item.metFaceToFace)
        item = try await office.staff.recordContact(
            .with {
                $0.id = id; $0.stage = .duringHandling; $0.faceToFace = true; $0.summary = "上门座谈"; $0.on = "2026-04-02"
            }
        ).item
        #expect(item.metFaceToFace)

        // The co-handling section sends its opinion to the lead section.
        item = try await office.staff.recordUnitOpinion(
            .with {
                $0.id = id; $0.unit = "社会救助科"; $0.opinion = "建议纳入救助衔接"; $0.on = "2026-04-08"
            }
        ).item
        #expect(item.units[1].opinion == "建议纳入救助衔接")
        #expect(item.units[1].opinionOn == "2026-04-08")
        let leadUnitOpinion = await rpcError {
            _ = try await office.staff.recordUnitOpinion(
                .with {
                    $0.id = id; $0.unit = "养老服务科"; $0.opinion = "x"
                })
        }
        #expect(leadUnitOpinion?.code == .failedPrecondition)

        // 催办
        item = try await office.leader.urgeItem(
            .with {
                $0.id = id; $0.note = "请加快办理"
            }
        ).item
        #expect(item.urgeCount == 1)

        // 审核: draft, section head, leader; a leader can send it back.
        _ = try await office.staff.draftReply(
            .with {
                $0.id = id; $0.text = "关于……的答复（初稿）"
            })
        _ = try await office.staff.signBySection(.with { $0.id = id })
        item = try await office.leader.sendBack(
            .with {
                $0.id = id; $0.note = "请补充落实举措"
            }
        ).item
        #expect(item.state == .handling)
        _ = try await office.staff.draftReply(
            .with {
                $0.id = id; $0.text = "关于……的答复（定稿）"
            })
        _ = try await office.staff.signBySection(.with { $0.id = id })
        // Staff cannot sign off: that is the leader's.
        let staffSignOff = await rpcError { _ = try await office.staff.signOff(.with { $0.id = id }) }
        #expect(staffSignOff?.code == .permissionDenied)
        item = try await office.leader.signOff(.with { $0.id = id }).item
        #expect(item.state == .signedOff)

        // 上报, 答复 (A, fully adopted) on time.
        _ = try await office.staff.reportItem(.with { $0.id = id })
        item = try await office.staff.replyItem(
            .with {
                $0.id = id; $0.result = .resultA; $0.adoption = .fullyAdopted; $0.on = "2026-05-20"
            }
        ).item
        #expect(item.state == .replied)
        #expect(item.replyText == "关于……的答复（定稿）")
        #expect(item.answeredOnTime)
        #expect(item.publicationDue == "2026-06-17")

        // 落实 and 公开.
        item = try await office.staff.recordProgress(
            .with {
                $0.id = id; $0.progress = "已纳入2026年养老服务实事项目"
            }
        ).item
        #expect(item.state == .implementing)
        item = try await office.staff.publishReply(
            .with {
                $0.id = id; $0.on = "2026-06-01"
            }
        ).item
        #expect(item.state == .published)
        #expect(item.publishedOn == "2026-06-01")

        // The deputy sees the reply but no draft or internal units, and rates it.
        let seen = try await office.deputy.getItem(.with { $0.id = id }).item
        #expect(seen.replyText == "关于……的答复（定稿）")
        #expect(seen.draftText == "")
        #expect(seen.units.isEmpty)
        item = try await office.deputy.giveFeedback(
            .with {
                $0.id = id; $0.rating = .satisfied; $0.comment = "满意"
            }
        ).item
        #expect(item.satisfaction == .satisfied)
        #expect(item.state == .published)

        // What was recorded along the way; a deputy sees progress and ratings, not the contact notes.
        let records = try await office.staff.getItemRecords(.with { $0.id = id })
        #expect(records.contacts.map(\.summary) == ["电话沟通办理思路", "上门座谈"])
        #expect(records.contacts.map(\.faceToFace) == [false, true])
        #expect(records.progress.map(\.progress) == ["已纳入2026年养老服务实事项目"])
        #expect(records.feedback.map(\.rating) == [.satisfied])
        let deputyRecords = try await office.deputy.getItemRecords(.with { $0.id = id })
        #expect(deputyRecords.contacts.isEmpty)
        #expect(deputyRecords.progress.count == 1)

        // Every step is in the item's history, with who did it.
        let history = try await office.staff.getItemHistory(.with { $0.id = id }).entries
        #expect(
            history.map(\.action) == [
                "register", "assign", "record-contact", "record-contact", "unit-opinion", "urge", "draft", "sign-by-section", "send-back", "draft",
                "sign-by-section", "sign-off", "report", "reply", "record-progress", "publish", "feedback",
            ])
        #expect(Set(history.map(\.actor)).count == 3)  // staff, leader, deputy
        #expect(history[1].detail == "→ assigned; role=lead_sole complex=false")
        let opinion = history.first { $0.action == "unit-opinion" }
        #expect(opinion?.reason == "建议纳入救助衔接")  // what the lead unit was sent
        #expect(opinion?.detail == "→ handling; unit=社会救助科 on=2026-04-08")
        #expect(history.allSatisfy { !$0.requestID.isEmpty })
        await office.suite.stop()
    }

    @Test func unitStaffHandleOnlyTheirUnitsPart() async throws {
        let office = try await Office.open()
        let ours = try await office.register("第26-050号")
        let theirs = try await office.register("第26-051号")
        _ = try await office.staff.assignItem(
            .with {
                $0.id = ours; $0.role = .leadSole
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
                $0.id = theirs; $0.role = .leadSole;
                $0.units = [
                    .with {
                        $0.unit = "慈善科"; $0.role = .leadSole
                    }
                ]
            })
        let elderly = Civic_Proposals_V1_ProposalServiceClient(
            office.suite.caller(
                token: try await office.suite.issueKey(
                    NewKey(name: "养老服务科 张敏", roles: [.staff], services: ["proposals"], subject: "养老服务科"))))
        let assistance = Civic_Proposals_V1_ProposalServiceClient(
            office.suite.caller(
                token: try await office.suite.issueKey(
                    NewKey(name: "社会救助科 陈刚", roles: [.staff], services: ["proposals"], subject: "社会救助科"))))
        // The lead unit handles and drafts its item …
        _ = try await elderly.recordContact(
            .with {
                $0.id = ours; $0.stage = .beforeHandling; $0.summary = "电话"
            })
        #expect(
            try await elderly.draftReply(
                .with {
                    $0.id = ours; $0.text = "初稿"
                }
            ).item.state == .drafted)
        // … but not another unit's, and not the office's work.
        #expect(
            await rpcError {
                _ = try await elderly.recordContact(
                    .with {
                        $0.id = theirs; $0.stage = .beforeHandling; $0.summary = "x"
                    })
            }?.code == .permissionDenied)
        #expect(await rpcError { _ = try await elderly.registerItem(registerRequest(number: "第26-052号", year: 2026)) }?.code == .permissionDenied)
        #expect(
            await rpcError {
                _ = try await elderly.assignItem(
                    .with {
                        $0.id = theirs; $0.role = .leadSole
                    })
            }?.code == .permissionDenied)
        // The co-handling unit sends its own opinion, not the lead unit's, and does not draft the reply.
        #expect(
            try await assistance.recordUnitOpinion(
                .with {
                    $0.id = ours; $0.unit = "社会救助科"; $0.opinion = "会办意见"
                }
            ).item.units[1].opinion == "会办意见")
        #expect(
            await rpcError {
                _ = try await assistance.recordUnitOpinion(
                    .with {
                        $0.id = ours; $0.unit = "养老服务科"; $0.opinion = "x"
                    })
            }?.code == .permissionDenied)
        #expect(
            await rpcError {
                _ = try await assistance.draftReply(
                    .with {
                        $0.id = ours; $0.text = "x"
                    })
            }?.code == .permissionDenied)
        // Naming itself on another unit's item tells a unit nothing about that item.
        let elsewhere = await rpcError {
            _ = try await elderly.recordUnitOpinion(
                .with {
                    $0.id = theirs; $0.unit = "养老服务科"; $0.opinion = "x"
                })
        }
        #expect(elsewhere?.code == .permissionDenied)
        #expect(elsewhere?.message == "item \(theirs) is not assigned to 养老服务科")
        // Ratings are the proposer's (or the office's, from paper): not a unit clerk's.
        #expect(
            await rpcError {
                _ = try await assistance.giveFeedback(
                    .with {
                        $0.id = ours; $0.rating = .dissatisfied
                    })
            }?.code == .permissionDenied)

        // Reading: a unit sees the items assigned to it (in any role), with the proposers'
        // contacts it needs, and nothing of other units' items.
        #expect(try await assistance.getItem(.with { $0.id = ours }).item.proposers.first?.contact == "13800000000")
        #expect(try await elderly.listItems(.init()).items.map(\.number) == ["第26-050号"])
        #expect(try await assistance.listItems(.init()).items.map(\.number) == ["第26-050号"])
        #expect(try await elderly.listItems(.with { $0.unit = "养老服务科" }).items.map(\.number) == ["第26-050号"])
        let otherUnit = await rpcError { _ = try await elderly.listItems(.with { $0.unit = "慈善科" }) }
        #expect(otherUnit?.code == .permissionDenied)
        let stranger = await rpcError { _ = try await elderly.getItem(.with { $0.id = theirs }) }
        #expect(stranger?.code == .permissionDenied)
        #expect(stranger?.message == "item \(theirs) is not assigned to 养老服务科")
        #expect(await rpcError { _ = try await elderly.getItemHistory(.with { $0.id = theirs }) }?.code == .permissionDenied)
        #expect(await rpcError { _ = try await elderly.getItemRecords(.with { $0.id = theirs }) }?.code == .permissionDenied)
        #expect(try await elderly.getItemRecords(.with { $0.id = ours }).contacts.map(\.summary) == ["电话"])
        let history = try await elderly.getItemHistory(.with { $0.id = ours }).entries.map(\.action)
        #expect(history == ["register", "assign", "record-contact", "draft", "unit-opinion"])
        // The office still sees both.
        #expect(try await office.staff.listItems(.with { $0.year = 2026 }).items.count == 2)
        // Key-supervised groups: a unit sees the groups its unit handles an item of, with only
        // those items; the office sees every group whole.
        let group = try await office.staff.mergeKeyItems(
            .with {
                $0.name = "养老与慈善（2件整合为1项）"; $0.itemIds = [ours, theirs]
            })
        #expect(try await office.staff.listKeyGroups(.with { $0.year = 2026 }).groups.map { Set($0.itemIds) } == [[ours, theirs]])
        let seen = try await elderly.listKeyGroups(.with { $0.year = 2026 }).groups
        #expect(seen.map(\.id) == [group.id])
        #expect(seen.first?.itemIds == [ours])
        let charity = Civic_Proposals_V1_ProposalServiceClient(
            office.suite.caller(
                token: try await office.suite.issueKey(NewKey(name: "婚姻登记科 王芳", roles: [.staff], services: ["proposals"], subject: "婚姻登记科"))))
        #expect(try await charity.listKeyGroups(.with { $0.year = 2026 }).groups.isEmpty)
        await office.suite.stop()
    }

    @Test func illegalMovesAreRefusedAndChangeNothing() async throws {
        let office = try await Office.open()
        let id = try await office.register("第26-002号")
        let before = try await office.staff.getItem(.with { $0.id = id }).item
        let reply = await rpcError {
            _ = try await office.staff.replyItem(
                .with {
                    $0.id = id; $0.result = .resultA; $0.adoption = .fullyAdopted
                })
        }
        #expect(reply?.code == .failedPrecondition)
        #expect(reply?.message == "cannot reply to an item that is REGISTERED")
        let invalid = await rpcError { _ = try await office.staff.replyItem(.with { $0.id = id }) }
        #expect(invalid?.code == .invalidArgument)
        #expect(invalid?.details.map(\.field) == ["result", "adoption"])
        let noRole = await rpcError { _ = try await office.staff.assignItem(.with { $0.id = id }) }
        #expect(noRole?.code == .invalidArgument)
        let complex = await rpcError {
            _ = try await office.staff.assignItem(
                .with {
                    $0.id = id; $0.role = .leadSole; $0.complex = true
                })
        }
        #expect(complex?.details.first?.field == "complex_reason")
        let future = await rpcError {
            _ = try await office.staff.assignItem(
                .with {
                    $0.id = id; $0.role = .leadSole; $0.on = "2099-01-01"
                })
        }
        #expect(future?.code == .invalidArgument)
        #expect(future?.details.first?.reason == "IN_THE_FUTURE")
        let missing = await rpcError { _ = try await office.staff.urgeItem(.with { $0.id = "nope" }) }
        #expect(missing?.code == .notFound)
        #expect(try await office.staff.getItem(.with { $0.id = id }).item == before)
        #expect(try await office.staff.getItemHistory(.with { $0.id = id }).entries.map(\.action) == ["register"])

        // The return window: 7 working days from assignment.
        _ = try await office.staff.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-09-29"
            })
        let late = await rpcError {
            _ = try await office.staff.returnItem(
                .with {
                    $0.id = id; $0.note = "不属我局职责"; $0.on = "2026-10-15"
                })
        }
        #expect(late?.code == .failedPrecondition)
        #expect(late?.message == "the return window ended on 2026-10-14")
        let returned = try await office.staff.returnItem(
            .with {
                $0.id = id; $0.note = "不属我局职责"; $0.on = "2026-10-14"
            }
        ).item
        #expect(returned.state == .returned)
        await office.suite.stop()
    }

    @Test func dissatisfactionReopensWithANewDeadline() async throws {
        let office = try await Office.open()
        let id = try await office.register("第26-003号")
        _ = try await office.staff.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-03-02"
            })
        _ = try await office.staff.recordContact(
            .with {
                $0.id = id; $0.stage = .beforeHandling; $0.summary = "电话"; $0.faceToFace = false
            })
        _ = try await office.staff.draftReply(
            .with {
                $0.id = id; $0.text = "答复"
            })
        _ = try await office.staff.signBySection(.with { $0.id = id })
        _ = try await office.leader.signOff(.with { $0.id = id })
        _ = try await office.staff.reportItem(.with { $0.id = id })
        _ = try await office.staff.replyItem(
            .with {
                $0.id = id; $0.result = .resultC; $0.adoption = .notAdopted; $0.on = "2026-05-29"
            })
        let reopened = try await office.deputy.giveFeedback(
            .with {
                $0.id = id; $0.rating = .dissatisfied; $0.comment = "未解决实际问题"; $0.on = "2026-08-31"
            }
        ).item
        #expect(reopened.state == .reopened)
        #expect(reopened.answerDue == "2026-09-30")
        // Past the six months from assignment, a reopened item may still be extended by one re-reply period.
        let extended = try await office.staff.extendDeadline(
            .with {
                $0.id = id; $0.newDue = "2026-10-30"; $0.reason = "需与财政部门会商"
            }
        ).item
        #expect(extended.answerDue == "2026-10-30")
        let tooFar = await rpcError {
            _ = try await office.staff.extendDeadline(
                .with {
                    $0.id = id; $0.newDue = "2026-12-31"; $0.reason = "x"
                })
        }
        #expect(tooFar?.code == .invalidArgument)
        // Another deputy may not rate it.
        let other = Civic_Proposals_V1_ProposalServiceClient(
            office.suite.caller(
                token: try await office.suite.issueKey(
                    NewKey(name: "代表 王五", roles: [.deputy], subject: "NPC-0099"))))
        let denied = await rpcError {
            _ = try await other.giveFeedback(
                .with {
                    $0.id = id; $0.rating = .satisfied
                })
        }
        #expect(denied?.code == .permissionDenied)
        await office.suite.stop()
    }

    @Test func referenceAndCoHandlingItemsEndWhereTheyShould() async throws {
        let office = try await Office.open()
        let reference = try await office.register("第26-004号")
        // A 参阅 item only goes to units that read it; a co-handling unit would owe an opinion on it.
        let coUnit = await rpcError {
            _ = try await office.staff.assignItem(
                .with {
                    $0.id = reference; $0.role = .reference;
                    $0.units = [
                        .with {
                            $0.unit = "社会救助科"; $0.role = .coHandling
                        }
                    ]
                })
        }
        #expect(coUnit?.details.map(\.reason) == ["NOT_REFERENCE"])
        #expect(try await office.staff.getItem(.with { $0.id = reference }).item.state == .registered)
        _ = try await office.staff.assignItem(
            .with {
                $0.id = reference; $0.role = .reference; $0.on = "2026-03-10"
            })
        #expect(try await office.staff.getItem(.with { $0.id = reference }).item.answerDue == "")
        // Nothing is owed, so nothing is urged.
        #expect(await rpcError { _ = try await office.staff.urgeItem(.with { $0.id = reference }) }?.code == .failedPrecondition)
        #expect(try await office.staff.acknowledgeItem(.with { $0.id = reference }).item.state == .acknowledged)

        let co = try await office.register("第26-005号")
        let assigned = try await office.staff.assignItem(
            .with {
                $0.id = co; $0.role = .coHandling; $0.on = "2026-03-10"
            }
        ).item
        #expect(assigned.answerDue == "2026-04-10")  // 协办 opinion: one month
        _ = try await office.staff.recordContact(
            .with {
                $0.id = co; $0.stage = .duringHandling; $0.summary = "会商"
            })
        _ = try await office.staff.draftReply(
            .with {
                $0.id = co; $0.text = "会办意见"
            })
        _ = try await office.staff.signBySection(.with { $0.id = co })
        _ = try await office.leader.signOff(.with { $0.id = co })
        let reported = try await office.staff.reportItem(
            .with {
                $0.id = co; $0.on = "2026-04-09"
            }
        ).item
        #expect(reported.state == .reported)
        #expect(reported.answeredOnTime)
        let noReply = await rpcError {
            _ = try await office.staff.replyItem(
                .with {
                    $0.id = co; $0.result = .resultA; $0.adoption = .fullyAdopted
                })
        }
        #expect(noReply?.code == .failedPrecondition)
        await office.suite.stop()
    }

    @Test func urgingRunUrgesDueSoonAndEscalatesOverdue() async throws {
        let office = try await Office.open()
        let soon = try await office.register("第26-006号")
        let late = try await office.register("第26-007号")
        let far = try await office.register("第26-008号")
        _ = try await office.staff.assignItem(
            .with {
                $0.id = soon; $0.role = .leadSole; $0.on = "2026-03-10"
            })  // due 2026-06-10
        _ = try await office.staff.assignItem(
            .with {
                $0.id = late; $0.role = .coHandling; $0.on = "2026-03-10"
            })  // due 2026-04-10
        _ = try await office.staff.assignItem(
            .with {
                $0.id = far; $0.role = .leadSole; $0.complex = true; $0.complexReason = "涉及多部门"; $0.on = "2026-03-10"
            })  // 2026-09-10
        let run = try await office.staff.runUrging(.with { $0.today = "2026-05-28" })
        #expect(run.items.map(\.id) == [late, soon])
        #expect(run.items.map(\.urgency) == ["overdue", "due_soon"])
        #expect(run.items.map(\.escalated) == [true, false])
        #expect(try await office.staff.getItem(.with { $0.id = soon }).item.urgeCount == 1)
        #expect(try await office.staff.getItem(.with { $0.id = far }).item.urgeCount == 0)
        await office.suite.stop()
    }

    @Test func annualReportThroughTheGatewayWithCSV() async throws {
        let office = try await Office.open()
        // Two lead items replied on time (one A/full, one B/partial), one 协办 reported, one 参阅.
        for (n, role) in [
            ("第26-010号", Civic_Proposals_V1_HandlingRole.leadSole), ("第26-011号", .leadSplit), ("第26-012号", .coHandling), ("第26-013号", .reference),
        ] {
            let id = try await office.register(n)
            _ = try await office.staff.assignItem(
                .with {
                    $0.id = id; $0.role = role; $0.on = "2026-03-10"
                })
            if role == .reference { continue }
            _ = try await office.staff.recordContact(
                .with {
                    $0.id = id; $0.stage = .beforeHandling; $0.faceToFace = true; $0.summary = "见面"
                })
            _ = try await office.staff.draftReply(
                .with {
                    $0.id = id; $0.text = "答复"
                })
            _ = try await office.staff.signBySection(.with { $0.id = id })
            _ = try await office.leader.signOff(.with { $0.id = id })
            _ = try await office.staff.reportItem(
                .with {
                    $0.id = id; $0.on = "2026-04-01"
                })
            if role == .coHandling { continue }
            let full = role == .leadSole
            _ = try await office.staff.replyItem(
                .with {
                    $0.id = id; $0.result = full ? .resultA : .resultB; $0.adoption = full ? .fullyAdopted : .partlyAdopted; $0.on = "2026-05-01"
                })
            _ = try await office.deputy.giveFeedback(
                .with {
                    $0.id = id; $0.rating = full ? .satisfied : .basicallySatisfied
                })
        }
        let report = try await office.leader.getAnnualReport(.with { $0.year = 2026 })
        #expect(report.total == 4)
        #expect(report.byRole.map { "\($0.name)=\($0.count)/\($0.percent)" } == ["lead=2/50.0", "co_handling=1/25.0", "reference=1/25.0"])
        #expect(report.answered.count == 3 && report.answered.percent == "100.0")
        #expect(report.faceToFace.percent == "100.0")
        #expect(report.onTime.percent == "100.0")
        #expect(report.satisfactionOfFeedback.percent == "100.0")
        #expect(report.leadAdoption.map { "\($0.name)=\($0.count)" } == ["full=1", "partial=1", "none=0"])
        #expect(report.csv.contains("role,lead,2,50.0,4"))
        #expect(report.answered.denominator == 3)  // handled: 2 主办 + 1 协办, 参阅 left out
        #expect(report.byRole.map(\.denominator) == [4, 4, 4])
        // Against the year before: one 2025 item, registered and never assigned.
        _ = try await office.staff.registerItem(registerRequest(number: "第25-001号", year: 2025))
        let compared = try await office.leader.getAnnualReport(.with { $0.year = 2026 })
        #expect(compared.previousTotal == 1 && compared.change == 3)
        let total = compared.yearOnYear.first { $0.figure == "total" }
        #expect([total?.previous, total?.current, total?.change] == [1, 4, 3])
        let onTime = compared.yearOnYear.first { $0.figure == "rate/on_time" }
        #expect(onTime?.rate.percent == "100.0" && onTime?.rate.denominator == 3)
        #expect(onTime?.previousRate.denominator == 0 && onTime?.changePoints == "")  // 2025 answered nothing
        #expect(compared.csv.contains("change,role/lead,2,,"))
        let deputyReport = await rpcError { _ = try await office.deputy.getAnnualReport(.with { $0.year = 2026 }) }
        #expect(deputyReport?.code == .permissionDenied)
        let noYear = await rpcError { _ = try await office.staff.getAnnualReport(.init()) }
        #expect(noYear?.code == .invalidArgument)
        await office.suite.stop()
    }
}

@Suite("Proposals import and publication", .serialized)
struct ProposalsImportTests {
    @Test func importIsAllOrNothingAndTheGoodFileLands() async throws {
        let suite = try await RunningSuite.start()
        let staff = Civic_Proposals_V1_ProposalServiceClient(
            suite.caller(
                token: try await suite.issueKey(
                    NewKey(name: "提案办", roles: [.staff], services: ["proposals"]))))
        _ = try await staff.registerItem(registerRequest(number: "第21-900号"))
        let lines = [
            #"{"kind":"NPC_SUGGESTION","year":2021,"number":"第21-901号","title":"一","topic":"elderly_care","proposers":[{"name":"李四","lead":true}]}"#,
            #"{"kind":"NPC_SUGGESTION","year":2021,"number":"第21-900号","title":"二","topic":"elderly_care","proposers":[{"name":"李四","lead":true}]}"#,
            #"{"kind":"NPC_SUGGESTION","year":2021,"number":"#,
        ]
        let bad = await rpcError {
            _ = try await staff.importItems(
                .with {
                    $0.format = .jsonLines; $0.content = lines.joined(separator: "\n")
                })
        }
        #expect(bad?.code == .invalidArgument)
        #expect(bad?.details.map(\.field) == ["line 3", "line 2: number"])
        #expect(try await staff.listItems(.init()).page.totalCount == 1, "nothing of a bad file is stored")

        let good = try await staff.importItems(
            .with {
                $0.format = .jsonLines; $0.content = lines[0] + "\n\n"
            })
        #expect(good.imported == 1)
        #expect(try await staff.getItem(.with { $0.id = good.ids[0] }).item.number == "第21-901号")
        let csv = "kind,year,number,title,topic,lead_name\n政协提案,2021,第0001号,关于慈善的提案,charity,钱七\n"
        #expect(
            try await staff.importItems(
                .with {
                    $0.format = .csv; $0.content = csv
                }
            ).imported == 1)
        #expect(try await staff.listItems(.init()).page.totalCount == 3)
        await suite.stop()
    }

    @Test func relatedItemsMergeIntoOneKeySupervisedItem() async throws {
        let suite = try await RunningSuite.start()
        let staff = Civic_Proposals_V1_ProposalServiceClient(suite.caller())
        var ids: [String] = []
        for i in 0..<3 { ids.append(try await staff.registerItem(registerRequest(number: "第21-30\(i)号")).item.id) }
        let single = try await staff.registerItem(
            {
                var r = registerRequest(number: "第21-399号"); r.keySupervised = true; return r
            }()
        ).item.id
        let other = try await staff.registerItem(registerRequest(number: "第22-001号", year: 2022)).item.id
        let group = try await staff.mergeKeyItems(
            .with {
                $0.name = "社区养老服务（3件整合为1项）"; $0.itemIds = ids
            })
        #expect(group.year == 2021)
        let merged = try await staff.getItem(.with { $0.id = ids[1] }).item
        #expect(merged.keySupervised)
        #expect(merged.keyGroupID == group.id)
        #expect(
            await rpcError {
                _ = try await staff.mergeKeyItems(
                    .with {
                        $0.name = "x"; $0.itemIds = [ids[0], single]
                    })
            }?.code == .failedPrecondition)
        #expect(
            await rpcError {
                _ = try await staff.mergeKeyItems(
                    .with {
                        $0.name = "x"; $0.itemIds = [single, other]
                    })
            }?.code == .invalidArgument)
        #expect(
            await rpcError {
                _ = try await staff.mergeKeyItems(
                    .with {
                        $0.name = "x"; $0.itemIds = [single]
                    })
            }?.code == .invalidArgument)
        let report = try await staff.getAnnualReport(.with { $0.year = 2021 })
        #expect(report.keySupervised == 4)  // items flagged
        #expect(report.keySupervisedUnits == 2)  // 项: the merged group and the single one
        // The groups can be read back, with their items.
        let groups = try await staff.listKeyGroups(.with { $0.year = 2021 }).groups
        #expect(groups.map(\.name) == ["社区养老服务（3件整合为1项）"])
        #expect(Set(groups.first?.itemIds ?? []) == Set(ids))
        #expect(try await staff.listKeyGroups(.with { $0.year = 2022 }).groups.isEmpty)
        #expect(await rpcError { _ = try await staff.listKeyGroups(.init()) }?.code == .invalidArgument)
        // A merged item stays key-supervised: a correction cannot unflag it.
        var unflag = registerRequest(number: "第21-300号")
        unflag.keySupervised = false
        let refused = await rpcError {
            _ = try await staff.correctItem(
                .with {
                    $0.id = ids[0]; $0.item = unflag; $0.reason = "误标"
                })
        }
        #expect(refused?.code == .failedPrecondition)
        await suite.stop()
    }

    @Test func draftsStartFromReplyTemplates() async throws {
        let suite = try await RunningSuite.start()
        let staff = Civic_Proposals_V1_ProposalServiceClient(
            suite.caller(
                token: try await suite.issueKey(
                    NewKey(name: "提案办", roles: [.staff], services: ["proposals"]))))
        let template = try await staff.createReplyTemplate(
            .with {
                $0.name = "主办件答复"
                $0.text = "{proposer}代表：您提出的《{title}》（{number}）收悉，现答复如下。"
            })
        let duplicate = await rpcError {
            _ = try await staff.createReplyTemplate(
                .with {
                    $0.name = "主办件答复"; $0.text = "x"
                })
        }
        #expect(duplicate?.code == .alreadyExists)
        let unknown = await rpcError {
            _ = try await staff.createReplyTemplate(
                .with {
                    $0.name = "坏模板"; $0.text = "{mayor}您好"
                })
        }
        #expect(unknown?.code == .invalidArgument)
        #expect(try await staff.listReplyTemplates(.init()).templates.map(\.name) == ["主办件答复"])

        let id = try await staff.registerItem(registerRequest(number: "第26-200号", year: 2026)).item.id
        _ = try await staff.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole
            })
        _ = try await staff.recordContact(
            .with {
                $0.id = id; $0.stage = .beforeHandling; $0.summary = "电话"
            })
        let drafted = try await staff.draftReply(
            .with {
                $0.id = id; $0.templateID = template.id
            }
        ).item
        #expect(drafted.draftText == "李四代表：您提出的《关于发展社区嵌入式养老服务的建议》（第26-200号）收悉，现答复如下。")
        let missing = await rpcError {
            _ = try await staff.draftReply(
                .with {
                    $0.id = id; $0.templateID = "nope"
                })
        }
        #expect(missing?.code == .notFound)

        // A template is corrected or removed; drafts already started keep their text.
        let other = try await staff.createReplyTemplate(
            .with {
                $0.name = "协办件意见"; $0.text = "关于{title}的会办意见"
            })
        let updated = try await staff.updateReplyTemplate(
            .with {
                $0.id = template.id; $0.name = "主办件答复（2026）"; $0.text = "{proposer}代表：您好。"
            })
        #expect(updated.name == "主办件答复（2026）")
        #expect(updated.createdAt == template.createdAt)
        #expect(try await staff.getItem(.with { $0.id = id }).item.draftText.hasPrefix("李四代表：您提出的"))
        let clash = await rpcError {
            _ = try await staff.updateReplyTemplate(
                .with {
                    $0.id = template.id; $0.name = "协办件意见"; $0.text = "x"
                })
        }
        #expect(clash?.code == .alreadyExists)
        let badText = await rpcError {
            _ = try await staff.updateReplyTemplate(
                .with {
                    $0.id = template.id; $0.name = "x"; $0.text = "{mayor}"
                })
        }
        #expect(badText?.details.map(\.reason) == ["UNKNOWN_PLACEHOLDER"])
        #expect(
            await rpcError {
                _ = try await staff.updateReplyTemplate(
                    .with {
                        $0.id = "nope"; $0.name = "x"; $0.text = "x"
                    })
            }?.code == .notFound)
        _ = try await staff.deleteReplyTemplate(.with { $0.id = other.id })
        #expect(try await staff.listReplyTemplates(.init()).templates.map(\.text) == ["{proposer}代表：您好。"])
        #expect(await rpcError { _ = try await staff.deleteReplyTemplate(.with { $0.id = other.id }) }?.code == .notFound)
        let clerk = Civic_Proposals_V1_ProposalServiceClient(
            suite.caller(
                token: try await suite.issueKey(
                    NewKey(name: "养老服务科", roles: [.staff], services: ["proposals"], subject: "养老服务科"))))
        #expect(await rpcError { _ = try await clerk.deleteReplyTemplate(.with { $0.id = template.id }) }?.code == .permissionDenied)
        #expect(try await staff.listReplyTemplates(.init()).templates.count == 1)
        await suite.stop()
    }

    @Test func thePublicReadsPublishedRepliesWithoutContactsOrDrafts() async throws {
        let suite = try await RunningSuite.start()
        let admin = Civic_Proposals_V1_ProposalServiceClient(suite.caller())
        var request = registerRequest(number: "第26-100号", year: 2026)
        request.proposers[0].contact = "13800000000"
        let id = try await admin.registerItem(request).item.id
        _ = try await admin.registerItem(registerRequest(number: "第26-101号", year: 2026))  // never published
        _ = try await admin.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-03-10"
            })
        _ = try await admin.recordContact(
            .with {
                $0.id = id; $0.stage = .beforeHandling; $0.summary = "电话"
            })
        // The signed reply names the proposer's phone and a resident's mobile: both must not go out.
        _ = try await admin.draftReply(
            .with {
                $0.id = id; $0.text = "答复全文。已致电13800000000；居民王某（13912345678）反映的问题已解决。咨询：021-59992345"
            })
        _ = try await admin.signBySection(.with { $0.id = id })
        _ = try await admin.signOff(.with { $0.id = id })
        _ = try await admin.reportItem(.with { $0.id = id })
        _ = try await admin.replyItem(
            .with {
                $0.id = id; $0.result = .resultA; $0.adoption = .fullyAdopted; $0.on = "2026-05-20"
            })
        let published = try await admin.publishReply(
            .with {
                $0.id = id; $0.on = "2026-05-25"
            }
        ).item
        #expect(published.publishedText == "答复全文。已致电[联系方式已隐去]；居民王某（139****5678）反映的问题已解决。咨询：021-59992345")
        #expect(published.replyText.contains("13912345678"))  // the signed reply itself is kept as signed

        let response = try await suite.http("POST", "/rpc/civic.proposals.v1.ProposalService/ListPublishedReplies", body: "{}", token: nil)
        #expect(response.status == 200)
        let replies = try Civic_Proposals_V1_ListPublishedRepliesResponse(jsonString: response.body)
        #expect(replies.replies.map(\.number) == ["第26-100号"])
        #expect(replies.replies.first?.replyText == "答复全文。已致电[联系方式已隐去]；居民王某（139****5678）反映的问题已解决。咨询：021-59992345")
        #expect(replies.replies.first?.proposer == "李四")
        #expect(!response.body.contains("13800000000"))
        #expect(!response.body.contains("13912345678"))

        // Re-published after 不满意 with the office's own edited text: that text, masked, replaces the old one.
        _ = try await admin.giveFeedback(
            .with {
                $0.id = id; $0.rating = .dissatisfied; $0.on = "2026-05-26"
            })
        #expect(
            try await suite.http("POST", "/rpc/civic.proposals.v1.ProposalService/ListPublishedReplies", body: "{}", token: nil).body.contains("第26-100号")
                == false)
        _ = try await admin.draftReply(
            .with {
                $0.id = id; $0.text = "再次答复"
            })
        _ = try await admin.signBySection(.with { $0.id = id })
        _ = try await admin.signOff(.with { $0.id = id })
        _ = try await admin.reportItem(.with { $0.id = id })
        _ = try await admin.replyItem(
            .with {
                $0.id = id; $0.result = .resultA; $0.adoption = .fullyAdopted; $0.on = "2026-06-10"
            })
        let edited = try await admin.publishReply(
            .with {
                $0.id = id; $0.on = "2026-06-11"; $0.text = "再次答复（公开版），邮箱 lisi@example.com"
            }
        ).item
        #expect(edited.publishedText == "再次答复（公开版），邮箱 l***@example.com")
        let again = try Civic_Proposals_V1_ListPublishedRepliesResponse(
            jsonString: try await suite.http(
                "POST", "/rpc/civic.proposals.v1.ProposalService/ListPublishedReplies", body: "{}", token: nil
            ).body)
        #expect(again.replies.map(\.replyText) == ["再次答复（公开版），邮箱 l***@example.com"])
        #expect(again.replies.map(\.publishedOn) == ["2026-06-11"])
        await suite.stop()
    }
}
