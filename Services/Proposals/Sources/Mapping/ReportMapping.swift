import CivicDomain
import CivicProtos
import ProposalsDomain

extension Civic_Proposals_V1_AnnualReport {
    init(_ report: AnnualReport, topics: TopicCatalog, asOf: CivilDate) {
        self.init()
        self.asOf = asOf.description
        returned = Int64(report.returned)
        unassigned = Int64(report.unassigned)
        overdueUnanswered = Int64(report.overdueUnanswered)
        func share(_ name: String, _ count: Int, of whole: Int? = nil) -> Civic_Proposals_V1_ReportShare {
            var share = Civic_Proposals_V1_ReportShare()
            share.name = name
            share.count = Int64(count)
            if let whole {
                share.percent = Percentage(count, of: whole).description
                share.denominator = Int64(whole)
            }
            return share
        }
        func rate(_ name: String, _ rate: AnnualReport.Rate) -> Civic_Proposals_V1_ReportShare {
            share(name, rate.numerator, of: rate.denominator)
        }
        year = Int32(report.year)
        total = Int64(report.total)
        byKind = ItemKind.allCases.map { share($0.rawValue, report.byKind[$0] ?? 0, of: report.total) }
        byRole = AnnualReport.RoleColumn.allCases.map { share($0.rawValue, report.byRole[$0]!.count, of: report.total) }
        byKindAndRole = ItemKind.allCases.flatMap { kind in
            AnnualReport.RoleColumn.allCases.map { share("\(kind.rawValue)/\($0.rawValue)", report.byKindAndRole[kind]?[$0] ?? 0) }
        }
        self.topics = report.topics.map { line in
            var topic = Civic_Proposals_V1_TopicShare()
            topic.topic = line.topic
            topic.total = share(topics.codes[line.topic] ?? line.topic, line.total.count, of: report.total)
            topic.byRole = AnnualReport.RoleColumn.allCases.map { share($0.rawValue, line.byRole[$0]!.count, of: report.byRole[$0]!.count) }
            return topic
        }
        keySupervised = Int64(report.keySupervised)
        keySupervisedUnits = Int64(report.keySupervisedUnits)
        onTime = rate("on_time", report.onTime)
        faceToFace = rate("face_to_face", report.faceToFace)
        answered = rate("answered", report.answered)
        satisfactionOfFeedback = rate("satisfaction_of_feedback", report.satisfactionOfFeedback)
        satisfactionOfReplies = rate("satisfaction_of_replies", report.satisfactionOfReplies)
        publication = rate("publication", report.publication)
        publicationOnTime = rate("publication_on_time", report.publicationOnTime)
        leadResults = ReplyResult.allCases.map { share($0.rawValue, report.leadResults[$0] ?? 0) }
        leadAdoption = Adoption.allCases.map { share($0.rawValue, report.leadAdoption[$0] ?? 0) }
        previousTotal = Int64(report.previousTotal ?? 0)
        change = Int64(report.change ?? 0)
        yearOnYear = report.yearOnYear.map { figure in
            var line = Civic_Proposals_V1_YearOnYear()
            line.figure = figure.figure
            line.previous = Int64(figure.previous)
            line.current = Int64(figure.current)
            line.change = Int64(figure.change)
            if let previousRate = figure.previousRate, let now = figure.rate {
                line.previousRate = rate(figure.figure, previousRate)
                line.rate = rate(figure.figure, now)
                line.changePoints = figure.changePoints ?? ""
            }
            return line
        }
        csv = report.csv(topicNames: topics.codes)
    }
}
