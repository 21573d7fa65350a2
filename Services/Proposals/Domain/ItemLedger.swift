import CivicDomain

/// 办理台账: the items as the proposals office keeps them in a spreadsheet, one row each,
/// headed and labelled in Chinese. Contact details stay out: a ledger leaves the system.
public enum ItemLedger {
    public static let columns = [
        "年度", "类别", "届次", "编号", "标题", "领衔人", "代表团/界别", "附议人数", "议题", "重点督办", "承办方式", "承办科室",
        "状态", "交办日期", "答复期限", "催办次数", "答复日期", "按期答复", "办理结果", "采纳情况", "满意度", "公开期限", "公开日期",
        "暂定期限",
    ]

    /// The ledger as CSV (UTF-8 with a byte-order mark, header row, `\n` line ends); topics
    /// by their names. The mark is for spreadsheet software set to Chinese, which reads a
    /// CSV without it as GBK and garbles every header. 暂定期限 names the row's deadlines
    /// that fall in a provisional year of `calendar` (答复期限, 公开期限), which may still move.
    public static func csv(_ items: [Item], topicNames: [String: String], calendar: WorkingCalendar) -> String {
        var lines = ["\u{FEFF}" + columns.joined(separator: ",")]
        for item in items {
            let lead = item.proposers.first(where: \.lead)
            let fields: [String] = [
                String(item.year), item.kind.label, CSV.field(item.session, text: true), CSV.field(item.number, text: true),
                CSV.field(item.title, text: true), CSV.field(lead?.name ?? "", text: true), CSV.field(lead?.delegation ?? "", text: true),
                String(item.proposers.count - 1), CSV.field(topicNames[item.topic] ?? item.topic), item.keySupervised ? "是" : "否",
                item.role?.label ?? "", CSV.field(item.units.map { "\($0.unit)(\($0.role.label))" }.joined(separator: "；"), text: true),
                item.state.label, item.assignedOn?.description ?? "", item.answerDue?.description ?? "", String(item.urgeCount),
                item.repliedOn?.description ?? "", item.repliedOn == nil ? "" : (item.answeredOnTime ? "是" : "否"),
                item.result?.rawValue ?? "", item.adoption?.label ?? "", item.satisfaction?.label ?? "",
                item.publicationDue?.description ?? "", item.publishedOn?.description ?? "",
                provisionalColumns(item, calendar).joined(separator: "；"),
            ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ItemLedger {
    /// The ledger's own names of the item's provisional deadlines, in column order.
    static func provisionalColumns(_ item: Item, _ calendar: WorkingCalendar) -> [String] {
        let names = ["answer_due": "答复期限", "publication_due": "公开期限"]
        return item.provisionalDeadlines(calendar).compactMap { names[$0] }
    }
}

extension ItemKind {
    public var label: String {
        switch self {
        case .npcSuggestion: "代表建议"
        case .cppccProposal: "政协提案"
        }
    }
}

extension ItemState {
    public var label: String {
        switch self {
        case .registered: "已登记"
        case .assigned: "已交办"
        case .returned: "已退回"
        case .acknowledged: "已阅(参阅)"
        case .handling: "办理中"
        case .drafted: "已拟稿"
        case .sectionSigned: "科室已签"
        case .signedOff: "已签发"
        case .reported: "已上报"
        case .replied: "已答复"
        case .implementing: "落实中"
        case .published: "已公开"
        case .reopened: "重新办理"
        }
    }
}

extension HandlingRole {
    public var label: String {
        switch self {
        case .leadSole: "主办(独办)"
        case .leadSplit: "主办(分办)"
        case .coHandling: "协办"
        case .reference: "参阅"
        }
    }
}

extension Adoption {
    public var label: String {
        switch self {
        case .full: "全部采纳"
        case .partial: "部分采纳"
        case .none: "未采纳"
        }
    }
}

extension Satisfaction {
    public var label: String {
        switch self {
        case .satisfied: "满意"
        case .basicallySatisfied: "基本满意"
        case .dissatisfied: "不满意"
        }
    }
}
