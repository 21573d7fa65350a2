import CivicDomain

/// The assistance service's rules live in this target: pure Swift over plain values, no RPC,
/// NIO or GRDB (docs/ADDING-A-SERVICE.md). Filled in by the service's own issue.
public enum AssistanceRules {}
