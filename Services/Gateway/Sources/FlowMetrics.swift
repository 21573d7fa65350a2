import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// The flows between the services in `/metrics` (FLOWS.md §3): each backend's outbox and inbox
/// figures, asked with `Flows/ListFlows` sealed as the gateway's admin, at most once every 5 s
/// however often `/metrics` is read.
extension Gateway {
    public func flowExposition(now: Date = Date()) async -> String {
        if let cached = flowCache.withLockedValue({ cache in cache.flatMap { now.timeIntervalSince($0.at) < 5 ? $0.text : nil } }) { return cached }
        var messages: [String] = []
        var oldest: [String] = []
        var applied: [String] = []
        var unreachable: [String] = []
        await withTaskGroup(of: (String, Civic_Flows_V1_ListFlowsResponse?).self) { group in
            for routed in backends {
                group.addTask { [seal] in
                    let caller = SealedCaller(client: routed.client, seal: seal, principal: Principal(id: "gateway-metrics", roles: [.admin]))
                    let answer = try? await Civic_Flows_V1_FlowsClient(caller).listFlows(.init(), options: CallOptions(timeout: .seconds(1)))
                    return (routed.backend.name, answer)
                }
            }
            for await (name, answer) in group {
                guard let answer else {
                    unreachable.append("civic_flow_backend_unreachable{service=\"\(name)\"} 1")
                    continue
                }
                for flow in answer.flows {
                    let labels = "producer=\"\(name)\",destination=\"\(Self.escaped(flow.destination))\",type=\"\(Self.escaped(flow.type))\""
                    for (state, count) in [("pending", flow.pending), ("delivered", flow.delivered), ("dead", flow.dead), ("discarded", flow.discarded)] {
                        messages.append("civic_flow_messages{\(labels),state=\"\(state)\"} \(count)")
                    }
                    oldest.append("civic_flow_oldest_pending_seconds{\(labels)} \(flow.oldestPendingSeconds)")
                }
                for received in answer.received {
                    applied.append(
                        "civic_flow_applied{receiver=\"\(name)\",producer=\"\(Self.escaped(received.producer))\",type=\"\(Self.escaped(received.type))\"} \(received.applied)"
                    )
                }
            }
        }
        var text = ""
        func family(_ name: String, _ help: String, _ lines: [String]) {
            guard !lines.isEmpty else { return }
            text += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n" + lines.sorted().joined(separator: "\n") + "\n"
        }
        family("civic_flow_messages", "Messages a service sent another, by state (outbox).", messages)
        family("civic_flow_oldest_pending_seconds", "Age of the oldest message waiting for delivery (0: none).", oldest)
        family("civic_flow_applied", "Messages a service applied from another (inbox).", applied)
        family("civic_flow_backend_unreachable", "A service that did not answer for its flows.", unreachable)
        flowCache.withLockedValue { $0 = (now, text) }
        return text
    }

    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
