import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicStorage
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import GatewayService

/// Who may call what (docs/ACCESS.md), stated independently of `AccessPolicy` so that a
/// change to either, or a new method in protos/, fails here until both agree.
/// Roles: admin, staff of proposals, staff of another service, leader, deputy, department,
/// service, and a caller with no key.
enum Caller: String, CaseIterable, Sendable {
    case admin, proposalsStaff, assistanceStaff, eldercareStaff, organizationsStaff, enforcementStaff, leader, deputy, department, service, eldercareOperator,
        noKey

    var key: NewKey? {
        switch self {
        case .admin: NewKey(name: "admin 2", roles: [.admin])
        case .proposalsStaff: NewKey(name: "提案办 王芳", roles: [.staff], services: ["proposals"])
        case .assistanceStaff: NewKey(name: "救助科 陈静", roles: [.staff], services: ["assistance"], division: "431227", subject: "陈静")
        case .eldercareStaff: NewKey(name: "养老科 赵敏", roles: [.staff], services: ["eldercare"])
        case .organizationsStaff: NewKey(name: "登记科 孙倩", roles: [.staff], services: ["organizations"], division: "410502")
        case .enforcementStaff: NewKey(name: "执法大队 周强", roles: [.staff], services: ["enforcement"], division: "410502")
        case .leader: NewKey(name: "局长", roles: [.leader])
        case .deputy: NewKey(name: "代表 李四", roles: [.deputy], subject: "NPC-0042")
        case .department: NewKey(name: "市场监管局", roles: [.department], subject: "市场监管局")
        case .service: NewKey(name: "enforcement service", roles: [.service])
        case .eldercareOperator: NewKey(name: "文峰区颐养院", roles: [.operator], subject: "I000001")
        case .noKey: nil
        }
    }
}

let expectedAccess: [String: Set<Caller>] = [
    "/civic.health.v1.Health/Check": Set(Caller.allCases),
    "/civic.health.v1.Health/ListMethods": Set(Caller.allCases),
    // Not routed by the gateway (FLOWS.md): allowed roles get UNIMPLEMENTED, others are refused.
    "/civic.flows.v1.Flows/Deliver": [.admin, .service],
    "/civic.flows.v1.Flows/ListFlows": [.admin],
    "/civic.flows.v1.Flows/ListOutbox": [.admin],
    "/civic.flows.v1.Flows/Replay": [.admin],
    "/civic.flows.v1.Flows/Discard": [.admin],
    "/civic.gateway.v1.KeyService/CreateKey": [.admin],
    "/civic.gateway.v1.KeyService/ListKeys": [.admin],
    "/civic.gateway.v1.KeyService/RevokeKey": [.admin],
    "/civic.proposals.v1.ProposalService/RegisterItem": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/GetItem": [.admin, .proposalsStaff, .leader, .deputy],
    "/civic.proposals.v1.ProposalService/ListItems": [.admin, .proposalsStaff, .leader, .deputy],
    "/civic.proposals.v1.ProposalService/ExportItems": [.admin, .proposalsStaff, .leader],
    "/civic.proposals.v1.ProposalService/RecalculateDeadlines": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/GetItemHistory": [.admin, .proposalsStaff, .leader],
    "/civic.proposals.v1.ProposalService/GetItemRecords": [.admin, .proposalsStaff, .leader, .deputy],
    "/civic.proposals.v1.ProposalService/AssignItem": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/ReturnItem": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/AcknowledgeItem": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/RecordContact": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/UrgeItem": [.admin, .proposalsStaff, .leader],
    "/civic.proposals.v1.ProposalService/ExtendDeadline": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/DraftReply": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/SignBySection": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/SignOff": [.admin, .leader],
    "/civic.proposals.v1.ProposalService/SendBack": [.admin, .proposalsStaff, .leader],
    "/civic.proposals.v1.ProposalService/ReportItem": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/ReplyItem": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/RecordProgress": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/PublishReply": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/GiveFeedback": [.admin, .deputy, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/RunUrging": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/ListDueItems": [.admin, .proposalsStaff, .leader],
    "/civic.proposals.v1.ProposalService/ListTopics": [.admin, .proposalsStaff, .leader, .deputy],
    "/civic.proposals.v1.ProposalService/GetAnnualReport": [.admin, .proposalsStaff, .leader],
    "/civic.proposals.v1.ProposalService/ImportItems": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/CreateReplyTemplate": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/UpdateReplyTemplate": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/DeleteReplyTemplate": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/MergeKeyItems": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/ListKeyGroups": [.admin, .proposalsStaff, .leader],
    "/civic.proposals.v1.ProposalService/CorrectItem": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/RecordUnitOpinion": [.admin, .proposalsStaff],
    "/civic.proposals.v1.ProposalService/ListReplyTemplates": [.admin, .proposalsStaff, .leader],
    "/civic.proposals.v1.ProposalService/ListPublishedReplies": Set(Caller.allCases),
    "/civic.assistance.v1.AssistanceService/PutStandardVersion": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/RegisterHousehold": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/UpdateHousehold": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/ImportHouseholds": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/FileApplication": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/RecordAuthorization": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/AcceptApplication": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/StartInvestigation": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/RecordTownshipOpinion": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/StartNotice": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/RecordObjection": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/ExtendApplication": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/WithdrawApplication": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/CompletePaperwork": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/GetHousehold": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/ListHouseholds": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/FindPerson": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/ComputeBenefit": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/GetApplication": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/ListApplications": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/ApproveApplication": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/RejectApplication": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/PayFirst": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/GetHistory": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/ListStandardVersions": Set(Caller.allCases),
    "/civic.assistance.v1.AssistanceService/ListPublicNotices": Set(Caller.allCases),
    "/civic.assistance.v1.AssistanceService/RunPayments": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/ExportBankFile": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/ReconcilePayments": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/RecordReview": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/RequestPlacement": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/HandleAlert": [.admin, .assistanceStaff],
    "/civic.assistance.v1.AssistanceService/GetPaymentRun": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/ListPaymentLines": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/ListDueReviews": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/ListAlerts": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/GetReport": [.admin, .assistanceStaff, .leader],
    "/civic.assistance.v1.AssistanceService/ReportPersonEvent": [.admin, .department],
    "/civic.assistance.v1.AssistanceService/GetPersonEvent": [.admin, .department],
    "/civic.eldercare.v1.EldercareService/LoadDivisions": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/ListDivisions": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/RegisterInstitution": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/UpdateInstitution": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/GetInstitution": [.admin, .eldercareStaff, .leader, .eldercareOperator],
    "/civic.eldercare.v1.EldercareService/ListInstitutions": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/ChangeInstitutionStatus": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/ChangeOperator": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/ImportInstitutions": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/GetHistory": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/RegisterFacility": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/UpdateFacility": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/GetFacility": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/ListFacilities": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/RecordFacilityUsage": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/GetFacilityUsage": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/AdmitResident": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/RecordResidentEvent": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/ListResidents": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/ListPlacementRequests": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/RevealResidentID": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/RecordFiling": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/ListFilings": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/PutInspector": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/ListInspectors": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/LoadChecklist": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/GetChecklist": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/CreateInspectionTask": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/GetInspectionTask": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/StartInspection": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/RecordInspection": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/PublishInspection": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/CancelInspection": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/ListInspections": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/ListFindings": [.admin, .eldercareStaff, .leader, .eldercareOperator],
    "/civic.eldercare.v1.EldercareService/RespondToFinding": [.admin, .eldercareOperator],
    "/civic.eldercare.v1.EldercareService/ReinspectFinding": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/OrderSuspension": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/RecordResettlement": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/RevokeFinding": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/SweepFindings": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/ListRegister": Set(Caller.allCases),
    "/civic.eldercare.v1.EldercareService/ListRegisterChanges": Set(Caller.allCases),
    "/civic.eldercare.v1.EldercareService/GetDivisionReport": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/ApplyForGrade": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/ScoreGradeApplication": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/PublishGradeApplication": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/LodgeGradeAppeal": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/DecideGradeAppeal": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/DecideGradeApplication": [.admin, .eldercareStaff],
    "/civic.eldercare.v1.EldercareService/ListGradeApplications": [.admin, .eldercareStaff, .leader],
    "/civic.eldercare.v1.EldercareService/RecordSanction": [.admin, .eldercareStaff],
    "/civic.organizations.v1.OrganizationsService/RegisterOrganization": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/UpdateOrganization": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/GetOrganization": [.admin, .organizationsStaff, .leader, .department, .eldercareOperator],
    "/civic.organizations.v1.OrganizationsService/ListOrganizations": [.admin, .organizationsStaff, .leader, .department],
    "/civic.organizations.v1.OrganizationsService/ChangeOrganizationStatus": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/FileChange": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/Deregister": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/ListChangeRecords": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/RevealLegalRepresentativeID": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/GetHistory": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/SubmitApplication": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/GetApplication": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/ListApplications": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/PreReviewApplication": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/ResubmitApplication": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/AcceptApplication": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/SupplyDocuments": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/RecordSponsorApproval": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/ApproveApplication": [.admin, .leader],
    "/civic.organizations.v1.OrganizationsService/RefuseApplication": [.admin, .leader],
    "/civic.organizations.v1.OrganizationsService/WithdrawApplication": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/FileCommunityOrganization": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/ListCommunityOrganizations": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/CancelCommunityFiling": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/ListCommunityCategories": Set(Caller.allCases),
    "/civic.organizations.v1.OrganizationsService/CheckLegitimacy": Set(Caller.allCases),
    "/civic.organizations.v1.OrganizationsService/ImportOrganizations": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/SubmitAnnualReport": [.admin, .organizationsStaff, .eldercareOperator],
    "/civic.organizations.v1.OrganizationsService/ReviewAnnualReport": [.admin, .department],
    "/civic.organizations.v1.OrganizationsService/ConcludeAnnualInspection": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/GetAnnualInspection": [.admin, .organizationsStaff, .leader, .department, .eldercareOperator],
    "/civic.organizations.v1.OrganizationsService/ListAnnualInspections": [.admin, .organizationsStaff, .leader, .department],
    "/civic.organizations.v1.OrganizationsService/RecordCreditEvent": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/RecordPenalty": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/RecordPenaltyExecution": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/ReferViolation": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/GetCreditStatus": [.admin, .organizationsStaff, .leader, .department, .eldercareOperator],
    "/civic.organizations.v1.OrganizationsService/ListCreditListings": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/ListPublicCreditListings": Set(Caller.allCases),
    "/civic.organizations.v1.OrganizationsService/ApplyForEvaluation": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/CheckEvaluationEligibility": [.admin, .organizationsStaff, .leader, .department, .eldercareOperator],
    "/civic.organizations.v1.OrganizationsService/ScoreEvaluation": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/PublishEvaluation": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/RequestEvaluationReview": [.admin, .organizationsStaff, .eldercareOperator],
    "/civic.organizations.v1.OrganizationsService/DecideEvaluationReview": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/RecordEvaluationReviewNotice": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/DecideEvaluation": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/GetEvaluation": [.admin, .organizationsStaff, .leader, .department, .eldercareOperator],
    "/civic.organizations.v1.OrganizationsService/ListEvaluations": [.admin, .organizationsStaff, .leader, .department, .eldercareOperator],
    "/civic.organizations.v1.OrganizationsService/OpenInvestigation": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/CloseInvestigation": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/RecordTipOff": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/StartIllegalCaseVerification": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/AddIllegalCaseEvidence": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/CloseIllegalCase": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/GetIllegalCase": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/ListIllegalCases": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/PublishSuspectedList": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/ListSuspectedLists": Set(Caller.allCases),
    "/civic.organizations.v1.OrganizationsService/RecordActivity": [.admin, .organizationsStaff, .eldercareOperator],
    "/civic.organizations.v1.OrganizationsService/CreateZombieCampaign": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/ListZombieCampaigns": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/GetZombieCampaign": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/ScanZombieCandidates": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/ListZombieCases": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/GetZombieCase": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/StepZombieCase": [.admin, .organizationsStaff],
    "/civic.organizations.v1.OrganizationsService/GetOrganizationsReport": [.admin, .organizationsStaff, .leader],
    "/civic.organizations.v1.OrganizationsService/ListPublicRegister": Set(Caller.allCases),
    "/civic.enforcement.v1.EnforcementService/ListLegalBases": Set(Caller.allCases),
    "/civic.enforcement.v1.EnforcementService/AssessPenalty": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/RegisterOfficer": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/UpdateOfficer": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/GetOfficer": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/ListOfficers": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/RecordLead": [.admin, .enforcementStaff],
    "/civic.enforcement.v1.EnforcementService/ReferLead": [.admin, .department, .service],
    "/civic.enforcement.v1.EnforcementService/ExtendLeadVerification": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/DecideLead": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/GetLead": [.admin, .enforcementStaff, .leader, .department, .service],
    "/civic.enforcement.v1.EnforcementService/ListLeads": [.admin, .enforcementStaff, .leader, .department, .service],
    "/civic.enforcement.v1.EnforcementService/FileCase": [.admin, .enforcementStaff],
    "/civic.enforcement.v1.EnforcementService/RecordOnTheSpotPenalty": [.admin, .enforcementStaff],
    "/civic.enforcement.v1.EnforcementService/StepCase": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/GetCase": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/ListCases": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/ListCaseDeadlines": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/CreateJointOperation": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/GetJointOperation": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/ListJointOperations": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/GetEnforcementReport": [.admin, .enforcementStaff, .leader],
    "/civic.enforcement.v1.EnforcementService/ListPublishedDecisions": Set(Caller.allCases),
]

@Suite("Access control", .serialized)
struct AccessTests {
    @Test func everyMethodHasARuleAndAnExpectation() {
        #expect(CivicServiceRegistry.methodsByPath.keys.filter { AccessPolicy.rule(for: $0) == nil } == [])
        #expect(
            Set(expectedAccess.keys) == Set(CivicServiceRegistry.methodsByPath.keys),
            "a method was added or removed: decide who may call it beside the method in protos/ and here")
    }

    @Test func authorizationMatrixEveryMethodTimesEveryRole() async throws {
        // Limits out of the way: this test is about who, not how often.
        let generous = Dictionary(
            uniqueKeysWithValues: (Principal.Role.assignable + [.public]).map { ($0, RateLimiter.Limit(perSecond: 10_000, burst: 10_000)) })
        let suite = try await RunningSuite.start(rateLimits: generous)
        var tokens: [Caller: String] = [:]
        for caller in Caller.allCases {
            if let key = caller.key { tokens[caller] = try await suite.issueKey(key) }
        }
        for method in CivicServiceRegistry.methodsByPath.keys.sorted() {
            for caller in Caller.allCases {
                let client = suite.caller(token: tokens[caller])
                // An empty request: allowed calls may still fail validation, never access.
                let error = await rpcError { _ = try await client.call(method: method, payload: Data(), options: .init(timeout: .seconds(5))) }
                let allowed = expectedAccess[method]?.contains(caller) ?? false
                if allowed {
                    #expect(
                        error?.code != .permissionDenied && error?.code != .unauthenticated,
                        "\(caller) should be allowed \(method): \(String(describing: error))")
                } else {
                    let expected: StatusCode = caller == .noKey ? .unauthenticated : .permissionDenied
                    #expect(error?.code == expected, "\(caller) calling \(method): \(String(describing: error))")
                }
                await client.close()
            }
        }
        await suite.stop()
    }

    @Test func missingWrongMalformedRevokedCredentials() async throws {
        let suite = try await RunningSuite.start()
        let list = "/rpc/civic.proposals.v1.ProposalService/ListItems"
        let none = try await suite.http("POST", list, body: "{}", token: nil)
        #expect(none.status == 401)
        #expect(try errorBody(none.body).status == "UNAUTHENTICATED")
        let wrong = try await suite.http("POST", list, body: "{}", token: "civic_not-a-real-key")
        #expect(wrong.status == 401)
        #expect(try errorBody(wrong.body).message == "unknown credential")
        let basic = try await suite.http("POST", list, body: "{}", headers: ["Authorization": "Basic dXNlcjpwYXNz"], token: nil)
        #expect(basic.status == 401)

        let staffToken = try await suite.issueKey(NewKey(name: "staff", roles: [.staff], services: ["proposals"]))
        #expect(try await suite.http("POST", list, body: "{}", token: staffToken).status == 200)
        // Revoked: refused on the very next call.
        let admin = Civic_Gateway_V1_KeyServiceClient(suite.caller())
        let staffKey = try #require(try await admin.listKeys(.init()).keys.first { $0.name == "staff" })
        let revoked = try await admin.revokeKey(
            .with {
                $0.id = staffKey.id; $0.reason = "left the office"
            })
        #expect(!revoked.key.revokedAt.isEmpty)
        let after = try await suite.http("POST", list, body: "{}", token: staffToken)
        #expect(after.status == 401)
        #expect(try errorBody(after.body).message == "credential \(staffKey.id) was revoked")
        // Listing never shows a secret, and shows revoked keys only when asked.
        let active = try await admin.listKeys(.init())
        #expect(!active.keys.contains { $0.id == staffKey.id })
        let all = try await admin.listKeys(.with { $0.includeInactive = true })
        #expect(all.keys.first { $0.id == staffKey.id }?.revokedReason == "left the office")
        #expect(try await admin.listKeys(.init()).jsonString().contains(staffToken) == false)

        // The last admin key cannot be revoked.
        let adminKey = try #require(active.keys.first { $0.roles.contains(.admin) })
        let lastAdmin = await rpcError {
            _ = try await admin.revokeKey(
                .with {
                    $0.id = adminKey.id; $0.reason = "oops"
                })
        }
        #expect(lastAdmin?.code == .failedPrecondition)
        // Refusals are counted.
        #expect(suite.gateway.gateway.metrics.exposition().contains(#"civic_gateway_refused_calls_total{reason="UNAUTHENTICATED"}"#))
        await suite.stop()
    }

    @Test func badKeyRequestsAreRefusedAndChangeNothing() async throws {
        let suite = try await RunningSuite.start()
        let admin = Civic_Gateway_V1_KeyServiceClient(suite.caller())
        let before = try await admin.listKeys(.with { $0.includeInactive = true }).keys.count
        for (request, field) in [
            (
                Civic_Gateway_V1_CreateKeyRequest.with {
                    $0.roles = [.staff]; $0.services = ["proposals"]
                }, "name"
            ),
            (
                .with {
                    $0.name = "x"; $0.roles = [.staff]
                }, "services"
            ),
            (
                .with {
                    $0.name = "x"; $0.roles = [.public]
                }, "roles"
            ),
            (
                .with {
                    $0.name = "x"; $0.roles = [.deputy]
                }, "subject"
            ),
            (
                .with {
                    $0.name = "x"; $0.roles = [.leader]; $0.services = ["weather"]
                }, "services"
            ),
            (
                .with {
                    $0.name = "x"; $0.roles = [.leader]; $0.division = "31011"
                }, "division"
            ),
            (
                .with {
                    $0.name = "x"; $0.roles = [.leader]; $0.expiresAt = "2020-01-01"
                }, "expires_at"
            ),
            (
                .with {
                    $0.name = "x"; $0.roles = [.leader]; $0.expiresAt = "next week"
                }, "expires_at"
            ),
        ] {
            let error = await rpcError { _ = try await admin.createKey(request) }
            #expect(error?.code == .invalidArgument, "\(request)")
            #expect(error?.details.contains { $0.field == field } == true, "\(field): \(String(describing: error))")
        }
        #expect(try await admin.listKeys(.with { $0.includeInactive = true }).keys.count == before)
        await suite.stop()
    }

    @Test func aDeputySeesOnlyTheirOwnItems() async throws {
        let suite = try await RunningSuite.start()
        let staff = Civic_Proposals_V1_ProposalServiceClient(
            suite.caller(
                token: try await suite.issueKey(
                    NewKey(name: "staff", roles: [.staff], services: ["proposals"]))))
        var mine = registerRequest(number: "第21-001号")
        mine.proposers[0].memberID = "NPC-0042"
        var cosigned = registerRequest(number: "第21-002号")
        cosigned.proposers[0].contact = "13900000000"
        cosigned.proposers.append(
            .with {
                $0.name = "李四"; $0.memberID = "NPC-0042"
            })
        var theirs = registerRequest(number: "第21-003号")
        theirs.proposers[0].memberID = "NPC-0099"
        let mineID = try await staff.registerItem(mine).item.id
        let cosignedID = try await staff.registerItem(cosigned).item.id
        let theirsID = try await staff.registerItem(theirs).item.id

        let deputy = Civic_Proposals_V1_ProposalServiceClient(
            suite.caller(
                token: try await suite.issueKey(
                    NewKey(name: "代表 李四", roles: [.deputy], subject: "NPC-0042"))))
        let listed = try await deputy.listItems(.init())
        #expect(Set(listed.items.map(\.id)) == [mineID, cosignedID])
        #expect(listed.page.totalCount == 2)
        #expect(try await deputy.getItem(.with { $0.id = mineID }).item.id == mineID)
        // Co-proposers' contact details stay hidden from a deputy.
        let cosignedView = try await deputy.getItem(.with { $0.id = cosignedID }).item
        #expect(cosignedView.proposers.first { $0.memberID != "NPC-0042" }?.contact == "")
        let other = await rpcError { _ = try await deputy.getItem(.with { $0.id = theirsID }) }
        #expect(other?.code == .permissionDenied)
        // A deputy cannot register items.
        let register = await rpcError { _ = try await deputy.registerItem(registerRequest(number: "第21-004号")) }
        #expect(register?.code == .permissionDenied)
        // Staff see all three.
        #expect(try await staff.listItems(.init()).page.totalCount == 3)
        await suite.stop()
    }

    @Test func thePublicSeesOnlyWhatIsPublished() async throws {
        let suite = try await RunningSuite.start()
        let item = try await Civic_Proposals_V1_ProposalServiceClient(suite.caller()).registerItem(registerRequest()).item
        // No key: health, the API description and nothing else.
        #expect(try await suite.http("GET", "/healthz", token: nil).status == 200)
        #expect(try await suite.http("POST", "/rpc/civic.health.v1.Health/Check", body: "{}", token: nil).status == 200)
        let spec = try await suite.http("GET", "/openapi.json", token: nil)
        #expect(spec.status == 200)
        // The served document says which methods need no key, from the access policy.
        let paths = try #require((try JSONSerialization.jsonObject(with: Data(spec.body.utf8)) as? [String: Any])?["paths"] as? [String: Any])
        let published = (paths["/rpc/civic.proposals.v1.ProposalService/ListPublishedReplies"] as? [String: Any])?["post"] as? [String: Any]
        #expect((published?["security"] as? [Any])?.isEmpty == true)
        let getItem = (paths["/rpc/civic.proposals.v1.ProposalService/GetItem"] as? [String: Any])?["post"] as? [String: Any]
        #expect(getItem?["security"] == nil)  // the document's default: bearer key
        let get = try await suite.http("POST", "/rpc/civic.proposals.v1.ProposalService/GetItem", body: "{\"id\":\"\(item.id)\"}", token: nil)
        #expect(get.status == 401)
        #expect(!get.body.contains("李四"))
        let list = try await suite.http("POST", "/rpc/civic.proposals.v1.ProposalService/ListItems", body: "{}", token: nil)
        #expect(list.status == 401)
        await suite.stop()
    }

    @Test func servicesAcceptOnlyCallsSealedByTheGateway() async throws {
        let suite = try await RunningSuite.start()
        let direct = RPCClient(host: "127.0.0.1", port: suite.ports["proposals"]!)
        let proposals = Civic_Proposals_V1_ProposalServiceClient(direct)
        // No seal.
        #expect(await rpcError { _ = try await proposals.listItems(.init()) }?.code == .unauthenticated)
        let listPath = Civic_Proposals_V1_ProposalService.Method.listItems.path
        let empty = try Civic_Proposals_V1_ListItemsRequest().serializedBytes() as Data
        let admin = Principal(id: "me", roles: [.admin])
        let seal = try GatewaySeal(secret: suite.internalKey)
        // A forged principal with a seal made with the wrong key.
        var forged: [String: String] = [:]
        try GatewaySeal(secret: GatewaySeal.generateSecret()).stamp(&forged, method: listPath, principal: admin, payload: empty)
        #expect(await rpcError { _ = try await proposals.listItems(.init(), options: .init(metadata: forged)) }?.code == .unauthenticated)
        // A seal for another method does not carry over.
        var wrongMethod: [String: String] = [:]
        seal.stamp(&wrongMethod, method: Civic_Proposals_V1_ProposalService.Method.getItem.path, principal: admin, payload: empty)
        #expect(await rpcError { _ = try await proposals.listItems(.init(), options: .init(metadata: wrongMethod)) }?.code == .unauthenticated)
        // Nor onto another payload: the seal covers the request's bytes.
        var otherPayload: [String: String] = [:]
        seal.stamp(&otherPayload, method: listPath, principal: admin, payload: empty)
        #expect(
            await rpcError { _ = try await proposals.listItems(.with { $0.year = 2026 }, options: .init(metadata: otherPayload)) }?.code == .unauthenticated)
        // A principal swapped under a valid seal is refused.
        var swapped = otherPayload
        swapped[MetadataKey.principal] = Principal(id: "someone-else", roles: [.admin]).encoded
        #expect(await rpcError { _ = try await proposals.listItems(.init(), options: .init(metadata: swapped)) }?.code == .unauthenticated)
        // A recorded call replayed after the window (five minutes) is refused, and says why.
        var stale: [String: String] = [:]
        seal.stamp(&stale, method: listPath, principal: admin, payload: empty, now: GatewaySeal.nowMillis() - 301_000)
        let replayed = await rpcError { _ = try await proposals.listItems(.init(), options: .init(metadata: stale)) }
        #expect(replayed?.code == .unauthenticated)
        #expect(replayed?.message.contains("expired") == true)
        // The same call sealed now goes through: the check is the seal, not the connection.
        var fresh: [String: String] = [:]
        seal.stamp(&fresh, method: listPath, principal: admin, payload: empty)
        #expect(try await proposals.listItems(.init(), options: .init(metadata: fresh)).page.totalCount == 0)
        // Without the seal a caller cannot even learn which methods exist; with it, an unknown
        // method is UNIMPLEMENTED as before.
        let nowhere = "/civic.proposals.v1.ProposalService/NoSuchMethod"
        #expect(await rpcError { _ = try await direct.call(method: nowhere, payload: empty, options: .init()) }?.code == .unauthenticated)
        var sealedNowhere: [String: String] = [:]
        seal.stamp(&sealedNowhere, method: nowhere, principal: admin, payload: empty)
        #expect(await rpcError { _ = try await direct.call(method: nowhere, payload: empty, options: .init(metadata: sealedNowhere)) }?.code == .unimplemented)
        // Health needs no seal; through the gateway everything works.
        #expect(try await Civic_Health_V1_HealthClient(direct).check(.init()).status == .serving)
        #expect(try await Civic_Proposals_V1_ProposalServiceClient(suite.caller()).listItems(.init()).page.totalCount == 0)
        await direct.close()
        await suite.stop()
    }

    @Test func rateLimitAnswers429WithRetryAfterAndRecovers() async throws {
        var limits = RateLimiter.defaultLimits
        limits[.leader] = RateLimiter.Limit(perSecond: 2, burst: 2)
        let suite = try await RunningSuite.start(rateLimits: limits)
        let token = try await suite.issueKey(NewKey(name: "局长", roles: [.leader]))
        let list = "/rpc/civic.proposals.v1.ProposalService/ListItems"
        #expect(try await suite.http("POST", list, body: "{}", token: token).status == 200)
        #expect(try await suite.http("POST", list, body: "{}", token: token).status == 200)
        let limited = try await suite.http("POST", list, body: "{}", token: token)
        #expect(limited.status == 429)
        #expect(try errorBody(limited.body).status == "RESOURCE_EXHAUSTED")
        #expect(limited.headers["retry-after"] == "1")
        // A method no service has costs a call too: with the bucket empty it is refused as limited,
        // not answered "unknown method" for free.
        let guessed = try await suite.http("POST", "/rpc/civic.proposals.v1.ProposalService/Guess", body: "{}", token: token)
        #expect(guessed.status == 429)
        // The framed face says how long to wait in metadata.
        let client = suite.gatewayClient()
        var request = Civic_Rpc_V1_RequestEnvelope()
        request.method = Civic_Proposals_V1_ProposalService.Method.listItems.path
        request.metadata[MetadataKey.authorization] = "Bearer \(token)"
        let response = try await client.send(request).get()
        #expect(response.status.code == .resourceExhausted)
        let wait = try #require(response.metadata[MetadataKey.retryAfterMillis].flatMap(Int.init))
        #expect(wait > 0 && wait <= 500)
        // Other callers are not affected, and the bucket refills.
        #expect(try await suite.http("POST", list, body: "{}").status == 200)
        try await Task.sleep(nanoseconds: UInt64(wait + 50) * 1_000_000)
        #expect(try await suite.http("POST", list, body: "{}", token: token).status == 200)
        await client.close()
        await suite.stop()
    }

    @Test func firstStartWritesAnAdminTokenReadableOnlyByItsOwner() async throws {
        let data = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let configuration = GatewayConfiguration(framesPort: 0, httpPort: 0, backends: [], dataDirectory: data)
        var gateway = try await RunningGateway.start(configuration: configuration)
        let path = data + "/admin.token"
        let token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        #expect(token.hasPrefix("civic_"))
        let client = Authenticated(client: RPCClient(host: "127.0.0.1", port: gateway.framesPort), token: token)
        #expect(try await Civic_Gateway_V1_KeyServiceClient(client).listKeys(.init()).keys.count == 1)
        await client.close()
        await gateway.stop()
        // A restart keeps the key and writes no second one.
        try FileManager.default.removeItem(atPath: path)
        gateway = try await RunningGateway.start(configuration: configuration)
        #expect(!FileManager.default.fileExists(atPath: path))
        let again = Authenticated(client: RPCClient(host: "127.0.0.1", port: gateway.framesPort), token: token)
        #expect(try await Civic_Gateway_V1_KeyServiceClient(again).listKeys(.init()).keys.count == 1)
        await again.close()
        await gateway.stop()
    }

    @Test func openAPIDocumentCoversEveryMethodAndValidates() async throws {
        let document = try JSONSerialization.jsonObject(with: Data(CivicOpenAPI.json.utf8)) as! [String: Any]
        let paths = document["paths"] as! [String: Any]
        for path in CivicServiceRegistry.methodsByPath.keys {
            #expect(paths["/rpc" + path] != nil, "no OpenAPI path for \(path)")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("civic-openapi-\(UUID().uuidString).json")
        try Data(CivicOpenAPI.json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", "import json,sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1]))); print('valid')", file.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "openapi-spec-validator: \(text)")
        #expect(text.contains("valid"))
    }
}

@Suite("Keys, expiry and rate limits (unit)")
struct KeyUnitTests {
    final class Clock: Sendable {
        let now = NIOLockedValueBox(Date(timeIntervalSince1970: 1_800_000_000))
        func advance(_ seconds: Double) { now.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
    }

    @Test func expiredKeysStopWorkingAtOnce() async throws {
        let keys = try KeyStore.open(dataDirectory: temporaryFolder())
        let clock = Clock()
        let start = clock.now.withLockedValue { $0 }
        let (record, token) = try await keys.create(
            NewKey(name: "temp", roles: [.leader], expiresAt: start.addingTimeInterval(60)), by: "test", now: start)
        let authorizer = KeyAuthorizer(keys: keys, now: { clock.now.withLockedValue { $0 } })
        let method = Civic_Proposals_V1_ProposalService.Method.listItems.path
        #expect(try authorizer.authorize(method: method, credential: "Bearer \(token)", client: "t").id == record.id)
        clock.advance(61)
        #expect(throws: RPCError(.unauthenticated, "credential \(record.id) has expired")) {
            _ = try authorizer.authorize(method: method, credential: "Bearer \(token)", client: "t")
        }
    }

    @Test func tokensAreStoredOnlyAsHashes() async throws {
        let folder = temporaryFolder()
        let keys = try KeyStore.open(dataDirectory: folder)
        let (_, token) = try await keys.create(NewKey(name: "x", roles: [.leader]), by: "test")
        let raw = try Data(contentsOf: URL(fileURLWithPath: folder + "/gateway.sqlite"))
        #expect(raw.range(of: Data(token.utf8)) == nil)
        let wal = try? Data(contentsOf: URL(fileURLWithPath: folder + "/gateway.sqlite-wal"))
        #expect(wal?.range(of: Data(token.utf8)) == nil)
        #expect(keys.lookup(token: token) != nil)
        #expect(keys.lookup(token: token + "x") == nil)
    }

    /// Each event loop remembers its lookups; a change to any key (issued, revoked) shows on
    /// that loop's very next lookup all the same.
    @Test func aRememberedLookupFollowsEveryChange() async throws {
        let keys = try KeyStore.open(dataDirectory: temporaryFolder())
        let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        func lookup(_ token: String) async throws -> ApiKeyRecord? { try await loop.next().submit { keys.lookup(token: token) }.get() }

        let (record, token) = try await keys.create(NewKey(name: "x", roles: [.leader]), by: "test")
        for _ in 0..<2 { #expect(try await lookup(token)?.revokedAt == nil) }
        _ = try await keys.revoke(id: record.id, reason: "lost", by: "test")
        #expect(try await lookup(token)?.revokedAt != nil)

        let later = "civic_later-key-00000000000000000000000000"
        #expect(try await lookup(later) == nil)  // remembered as unknown…
        _ = try await keys.create(NewKey(name: "y", roles: [.leader]), by: "test", token: later)
        #expect(try await lookup(later)?.name == "y")  // …until a key is issued
        try await loop.shutdownGracefully()
    }

    /// A caller whose bucket has filled up again is forgotten: the limiter holds only callers
    /// who are actually being limited, not every address that ever called.
    @Test func fullBucketsAreForgotten() throws {
        let limiter = RateLimiter()
        let limit = RateLimiter.Limit(perSecond: 5, burst: 20)
        let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)
        for n in 0..<2000 { try limiter.take(caller: "public:10.0.\(n / 256).\(n % 256)", limit: limit, now: t0) }
        #expect(limiter.trackedCallers == 2000)  // the sweep at the 1,024th call found none full yet
        // Ten seconds on every one of them is full again; the next sweep (at the 2,048th call) drops them.
        for _ in 0..<48 { try? limiter.take(caller: "busy", limit: limit, now: t0 + .seconds(10)) }
        #expect(limiter.trackedCallers == 1)
        // Forgetting changed nothing: a returning caller has its whole burst, the busy one is still limited.
        for _ in 0..<20 { try limiter.take(caller: "public:10.0.0.1", limit: limit, now: t0 + .seconds(10)) }
        #expect(throws: RateLimited.self) { try limiter.take(caller: "busy", limit: limit, now: t0 + .seconds(10)) }
    }

    @Test func tokenBucketRefills() throws {
        let limiter = RateLimiter()
        let limit = RateLimiter.Limit(perSecond: 10, burst: 3)
        let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)
        for _ in 0..<3 { try limiter.take(caller: "a", limit: limit, now: t0) }
        #expect(throws: RateLimited(retryAfterMillis: 100)) { try limiter.take(caller: "a", limit: limit, now: t0) }
        try limiter.take(caller: "b", limit: limit, now: t0)  // others have their own bucket
        try limiter.take(caller: "a", limit: limit, now: t0 + .milliseconds(100))
        #expect(throws: RateLimited.self) { try limiter.take(caller: "a", limit: limit, now: t0 + .milliseconds(150)) }
        #expect(RateLimiter.Limit(parsing: "5:10") == RateLimiter.Limit(perSecond: 5, burst: 10))
        // Rates no one means: refused when configured, not a crash on the first limited call.
        for text in ["1e-300:1", "0:1", "-5", "nan", "inf", "5:", "5:0.5", "5:1e300", "1e300", ":5", "5:10:1"] {
            #expect(RateLimiter.Limit(parsing: text) == nil, "\(text)")
        }
        #expect(RateLimiter.Limit(parsing: "0.001:1") == RateLimiter.Limit(perSecond: 0.001, burst: 1))
        let slow = try #require(RateLimiter.Limit(parsing: "0.001:1"))
        try limiter.take(caller: "slow", limit: slow, now: t0)
        #expect(throws: RateLimited(retryAfterMillis: 1_000_000)) { try limiter.take(caller: "slow", limit: slow, now: t0) }
        #expect(RateLimiter.Limit(parsing: "5") == RateLimiter.Limit(perSecond: 5, burst: 10))
        #expect(RateLimiter.Limit(parsing: "0") == nil)
        #expect(RateLimiter.Limit(parsing: "x:1") == nil)
    }

    @Test func principalsRoundTripThroughMetadata() {
        let principal = Principal(id: "k_1", roles: [.deputy, .leader], services: ["proposals"], division: "310114", subject: "NPC;0042=李四")
        #expect(Principal(encoded: principal.encoded) == principal)
        #expect(Principal(encoded: "v2;id=x") == nil)
        #expect(Principal(encoded: "v1;id=x;roles=king") == nil)
        // The remembered parse answers the same, the second time too, and for what does not parse.
        for _ in 0..<2 {
            #expect(Principal.decoded(principal.encoded) == principal)
            #expect(Principal.decoded("v1;id=x;roles=king") == nil)
        }
        // More distinct principals than a thread keeps: each still parses to itself.
        for n in 0..<600 {
            let other = Principal(id: "k_\(n)", roles: [.staff], division: "310114")
            #expect(Principal.decoded(other.encoded) == other)
        }
        #expect(Principal.decoded(principal.encoded) == principal)
    }

    @Test func expiryDatesMeanTheEndOfThatDayInChina() throws {
        let date = try #require(try KeyStore.parseExpiry("2027-03-31"))
        #expect(date == Date(timeIntervalSince1970: 1_806_508_800))  // 2027-04-01T00:00:00+08:00
        #expect(try KeyStore.parseExpiry("") == nil)
        #expect(throws: RPCError.self) { _ = try KeyStore.parseExpiry("2027-02-30") }
    }
}

@Suite("Bearer parsing")
struct BearerTests {
    @Test func schemesAndSpaces() {
        #expect(KeyAuthorizer.bearerToken("Bearer abc") == "abc")
        #expect(KeyAuthorizer.bearerToken("bearer  abc ") == "abc")
        #expect(KeyAuthorizer.bearerToken("BEARER abc") == "abc")
        #expect(KeyAuthorizer.bearerToken("Basic abc") == nil)
        #expect(KeyAuthorizer.bearerToken("Bearer ") == nil)
        #expect(KeyAuthorizer.bearerToken("Bearer    ") == nil)
        #expect(KeyAuthorizer.bearerToken("Bearerabc") == nil)
    }
}
