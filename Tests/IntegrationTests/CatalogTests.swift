import CivicCatalog
import CivicProtoServices
import CivicRPC
import Testing

/// The service catalog and the protos agree: each catalog service's protobuf services
/// exist, and every one of their methods asks staff keys for that service's name (a
/// forgotten `key_scope` would let any service's staff in).
@Suite("Service catalog")
struct CatalogTests {
    @Test(arguments: ServiceCatalog.services.map(\.name))
    func everyMethodOfAServiceIsScopedToIt(_ name: String) throws {
        let entry = try #require(ServiceCatalog.service(named: name))
        for protoService in entry.protoServices {
            let methods = try #require(CivicServiceRegistry.services[protoService], "\(protoService) is not in protos/")
            for method in methods {
                #expect(method.access.keyScope == entry.name, "\(method.path) asks for key scope \(method.access.keyScope ?? "none")")
            }
        }
    }

    @Test func namesAndPortsAreUnique() {
        #expect(Set(ServiceCatalog.serviceNames).count == ServiceCatalog.services.count)
        let ports = ServiceCatalog.services.map(\.defaultPort) + [ServiceCatalog.Gateway.framesPort, ServiceCatalog.Gateway.httpPort]
        #expect(Set(ports).count == ports.count)
    }
}
