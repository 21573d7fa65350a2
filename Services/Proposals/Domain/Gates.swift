import CivicDomain
import Foundation

/// The nine gates' moves, one function each: what a gate checks on the item as it is and
/// what it changes and records. The state machine (`ItemWorkflow`) has said whether the
/// move is legal before any of these runs.
public enum ItemMoves {
    /// A gate that only moves the state (acknowledge, sign, sign off).
    public static func plain(_ event: ItemEvent, on: CivilDate, note: String) -> ItemMove {
        ItemMove(event, on: on, note: note)
    }

    /// 交办: the role, the units (co-handling units owe the lead unit an opinion on their own
    /// deadline) and the deadlines counted from `on`.
    public static func assign(_ assignment: Assignment, on: CivilDate, rules: ReplyDeadlines, calendar: WorkingCalendar) -> ItemMove {
        let role = assignment.role
        return ItemMove(.assign(role: role), on: on, note: assignment.complexReason, detail: "role=\(role.rawValue) complex=\(assignment.complex)") { item in
            item.role = role
            item.units = assignment.units.map { unit in
                var unit = unit
                if unit.role == .coHandling { unit.opinionDue = rules.opinionDue(assignedOn: on, calendar: calendar) }
                return unit
            }
            item.complex = assignment.complex
            item.assignedOn = on
            item.answerDue = rules.answerDue(assignedOn: on, role: role, complex: assignment.complex, calendar: calendar)
            item.returnWindowEnds = rules.returnWindowEnds(assignedOn: on, calendar: calendar)
            return []
        }
    }

    /// 退回: only within the return window.
    public static func returnItem(on: CivilDate, note: String) -> ItemMove {
        ItemMove(.returnItem, on: on, note: note) { item in
            if let ends = item.returnWindowEnds, on > ends {
                throw DomainError.failedPrecondition("the return window ended on \(ends)", reason: "RETURN_WINDOW_CLOSED")
            }
            return []
        }
    }

    /// A contact with the proposer; a face-to-face one counts for the report's 见面率.
    public static func recordContact(_ contact: ContactRecord) -> ItemMove {
        ItemMove(.recordContact, on: contact.on, detail: "stage=\(contact.stage.rawValue) face_to_face=\(contact.faceToFace)") { item in
            if contact.faceToFace { item.metFaceToFace = true }
            return [.contact(contact)]
        }
    }

    /// A co-handling unit's opinion to the lead unit (会办意见). The text goes into the
    /// history too: it is what the lead unit was sent.
    public static func unitOpinion(unit: String, opinion: String, on: CivilDate) -> ItemMove {
        ItemMove(.unitOpinion, on: on, note: opinion, detail: "unit=\(unit) on=\(on)") { item in
            guard let index = item.units.firstIndex(where: { $0.unit == unit }) else {
                throw DomainError.notFound("\(unit) is not a unit of this item")
            }
            guard item.units[index].role == .coHandling else {
                throw DomainError.failedPrecondition("\(unit) is not a co-handling unit of this item", reason: "NOT_CO_HANDLING")
            }
            item.units[index].opinion = opinion
            item.units[index].opinionOn = on
            return []
        }
    }

    /// 催办 by hand.
    public static func urge(note: String) -> ItemMove {
        ItemMove(.urge, note: note) { item in
            item.urgeCount += 1
            return []
        }
    }

    /// A later reply deadline, with a written reason: at most the complex-item limit from
    /// assignment; after a reopening (不满意) the new reply counts from its own due date, by
    /// the same re-reply period again.
    public static func extendDeadline(to newDue: CivilDate, reason: String, rules: ReplyDeadlines, calendar: WorkingCalendar) -> ItemMove {
        ItemMove(.extendDeadline, note: reason, detail: "new_due=\(newDue)") { item in
            guard let due = item.answerDue, let assigned = item.assignedOn else {
                throw DomainError.failedPrecondition("the item has no deadline to extend", reason: "NO_DEADLINE")
            }
            guard newDue > due else {
                throw DomainError.invalid("new_due must be later than the current due date \(due)", field: "new_due", reason: "NOT_LATER")
            }
            let limit = rules.complexReplyMonths
            var cap = calendar.onOrNextWorkingDay(assigned.adding(months: limit))
            var why = "\(limit) months after assignment"
            if item.satisfaction == .dissatisfied, case let reReplyCap = calendar.onOrNextWorkingDay(due.adding(months: rules.reReplyMonths)), reReplyCap > cap
            {
                cap = reReplyCap
                why = "\(rules.reReplyMonths) month(s) past the re-reply date \(due)"
            }
            guard newDue <= cap else {
                throw DomainError.invalid("new_due may be at most \(cap) (\(why))", field: "new_due", reason: "TOO_LATE")
            }
            item.answerDue = newDue
            return []
        }
    }

    /// 审核: the draft, given or filled in from a template (with the item as it is then).
    public static func draft(text: String, template: ReplyTemplate?) -> ItemMove {
        ItemMove(.draft, detail: template.map { "template=\($0.name)" } ?? "") { item in
            item.draftText = template?.render(for: item) ?? text
            return []
        }
    }

    /// A reviewer sends the draft back. What a leader signed off only a leader takes back; a
    /// section sends back its own sign.
    public static func sendBack(on: CivilDate, note: String, byLeader: Bool) -> ItemMove {
        ItemMove(.sendBack, on: on, note: note) { item in
            if item.state == .signedOff && !byLeader {
                throw DomainError.permissionDenied("the draft was signed off by a leader: only a leader sends it back")
            }
            return []
        }
    }

    /// 上报. The lead unit's answer takes in the co-handling units' opinions (会办意见); one
    /// still missing is passed over only with a written reason. For 协办 the report is the
    /// answer: the opinion has reached the lead unit.
    public static func report(on: CivilDate, note: String) -> ItemMove {
        ItemMove(.report, on: on, note: note) { item in
            let missing = item.units.filter(\.opinionMissing).map(\.unit)
            if item.role?.isLead == true && !missing.isEmpty && note.isEmpty {
                throw DomainError.failedPrecondition(
                    "no opinion yet from \(missing.joined(separator: ", ")): wait for it, or report with a note saying why", reason: "OPINIONS_MISSING")
            }
            if item.role == .coHandling {
                item.repliedOn = on
                item.answeredOnTime = item.answerDue.map { on <= $0 } ?? true
            }
            return []
        }
    }

    /// 答复: the signed draft goes out with its result and adoption; publication is due
    /// from today, and a new reply awaits its rating.
    public static func reply(_ outcome: ReplyOutcome, on: CivilDate, rules: ReplyDeadlines, calendar: WorkingCalendar) -> ItemMove {
        ItemMove(.reply, on: on, detail: "result=\(outcome.result.rawValue) adoption=\(outcome.adoption.rawValue)") { item in
            item.result = outcome.result
            item.adoption = outcome.adoption
            item.replyText = item.draftText
            item.repliedOn = on
            item.answeredOnTime = item.answerDue.map { on <= $0 } ?? true
            item.publicationDue = rules.publicationDue(repliedOn: on, calendar: calendar)
            item.satisfaction = nil
            return []
        }
    }

    /// 落实: a progress note.
    public static func recordProgress(_ note: ProgressNote) -> ItemMove {
        ItemMove(.recordProgress, on: note.on) { _ in [.progress(note)] }
    }

    /// 公开: the signed reply, or the office's edited text (`edited`, trimmed; empty for the
    /// reply), with personal details masked either way (PublicationRedaction).
    public static func publish(edited: String, on: CivilDate, note: String) -> ItemMove {
        ItemMove(.publish, on: on, note: note, detail: "text=\(edited.isEmpty ? "signed reply" : "edited")") { item in
            let text = edited.isEmpty ? item.replyText : edited
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw DomainError.failedPrecondition("the reply has no text to publish; give the text to publish", reason: "NO_TEXT")
            }
            item.publishedText = PublicationRedaction(contacts: item.proposers.map(\.contact)).redact(text).text
            item.publishedOn = on
            return []
        }
    }

    /// The proposer's rating, given by someone who sees the item as `visibility` says: 不满意
    /// reopens it, with a new reply due and the old answer no longer on time.
    public static func feedback(_ rating: Rating, visibility: ItemVisibility, rules: ReplyDeadlines, calendar: WorkingCalendar) -> ItemMove {
        ItemMove(.feedback(rating.rating), on: rating.on, note: rating.comment, detail: "rating=\(rating.rating.rawValue)") { item in
            try visibility.checkRates(item)
            item.satisfaction = rating.rating
            if rating.rating == .dissatisfied {
                item.answerDue = rules.reReplyDue(feedbackOn: rating.on, calendar: calendar)
                item.answeredOnTime = false
            }
            return [.rating(rating)]
        }
    }
}
