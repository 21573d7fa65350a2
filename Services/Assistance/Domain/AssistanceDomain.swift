import CivicDomain

/// The social assistance domain (社会救助): its rules as pure Swift over plain values — state machines,
/// calculators, validators — with no RPC, NIO or GRDB (the build's explicit-import check
/// refuses them). Rules throw `DomainError`; handlers never hold rules
/// (docs/ADDING-A-SERVICE.md).
///
/// What is here: dated standards per division and urban/rural (`StandardTable`,
/// `StandardVersion`); the computations, each result carrying its formula and standard version
/// (`MinimumLivingBenefit`, `SelfCareAssessment`, `DestituteSupport`, `TemporaryAssistance`,
/// `DisabilitySubsidies`, `LowIncome`), joined for a household in `Entitlement`; the registry
/// (`Household`, `Member`, `IncomeLine`, `Asset`, `Registry.problems`) and its import
/// (`HouseholdImport`); the application workflow (`ApplicationWorkflow`, `ApplicationCase`,
/// `ApplicationClock`), 公示 (`PublicNoticeText`) and the decision snapshot (`DecisionSnapshot`);
/// payment runs and bank files (`PaymentRunPlanner`, `BankFile`, `BankReturn`, `Reconciliation`);
/// reviews (`ReviewSchedule`, `ReviewDecision`); monitoring alerts (`AlertRules`); the report
/// (`AssistanceReport`). Money is integer fen throughout; a factor rounds once, half-up, at the
/// last step (RULES.md §0.4).
public enum AssistanceRules {}
