import CivicCatalog
import Foundation
import XCTest
import Yams

/// No Docker engine or Kubernetes cluster runs where the suite is developed, so the deployment
/// files are checked here against the source of truth: the executables declared in
/// Package.swift and the service catalog (`ServiceCatalog`, Shared/Catalog). Adding an
/// executable or a service, or changing a port, without updating deploy/ fails.
/// docs/DEPLOY.md says what this does and does not prove.
final class ComposeFileTests: XCTestCase {
    // MARK: - The repository's own facts

    /// The repository root: this file is <root>/Tests/DeployTests/ComposeFileTests.swift.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/DeployTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // root

    /// Executables that are developer tools, built on demand and never deployed.
    static let buildTools: Set<String> = ["protoc-gen-civic"]
    /// The command-line client: shipped in the image (it is the health probe), run as no container.
    static let client = "civic"
    static let gateway = "gateway"

    private func read(_ relativePath: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let url = Self.root.appendingPathComponent(relativePath)
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            XCTFail("cannot read \(url.path): \(error)", file: file, line: line)
            throw error
        }
    }

    /// Every `.executable(name: "…")` product in Package.swift.
    private func declaredExecutables() throws -> Set<String> {
        let names = captures(of: #"\.executable\(\s*name:\s*"([^"]+)""#, in: try read("Package.swift")).map { $0[0] }
        XCTAssertFalse(names.isEmpty, "found no .executable(name: \"…\") products in Package.swift")
        XCTAssertEqual(names.count, Set(names).count, "Package.swift declares an executable twice: \(names)")
        return Set(names)
    }

    /// The executables the image must carry: everything but developer tools.
    private func shippedExecutables() throws -> Set<String> {
        let all = try declaredExecutables()
        XCTAssertTrue(all.contains(Self.client), "Package.swift no longer declares the \(Self.client) executable")
        XCTAssertTrue(all.contains(Self.gateway), "Package.swift no longer declares the \(Self.gateway) executable")
        return all.subtracting(Self.buildTools)
    }

    /// The catalog's domain services, each with its default framed-RPC port; each must be an
    /// executable in Package.swift, and every shipped executable but the gateway and the client
    /// must be in the catalog.
    private func servicePorts() throws -> [String: Int] {
        let ports = Dictionary(uniqueKeysWithValues: ServiceCatalog.services.map { ($0.name, $0.defaultPort) })
        let services = try shippedExecutables().subtracting([Self.client, Self.gateway])
        assertSameSet(Set(ports.keys), services, "domain services in ServiceCatalog vs. service executables in Package.swift")
        return ports
    }

    private func gatewayPorts() throws -> (frames: Int, http: Int) {
        (ServiceCatalog.Gateway.framesPort, ServiceCatalog.Gateway.httpPort)
    }

    // MARK: - docker-compose.yml

    private func compose() throws -> [String: Any] {
        let text = try read("deploy/docker-compose.yml")
        return try mapping(try Yams.load(yaml: text), "deploy/docker-compose.yml")
    }

    private func composeServices() throws -> [String: [String: Any]] {
        let services = try mapping(try compose()["services"], "top-level `services`")
        var result: [String: [String: Any]] = [:]
        for (name, body) in services { result[name] = try mapping(body, "service \(name)") }
        return result
    }

    func testComposeRunsOneContainerPerExecutable() throws {
        let expected = try shippedExecutables().subtracting([Self.client])
        assertSameSet(Set(try composeServices().keys), expected, "compose services vs. executables in Package.swift (less \(Self.client) and build tools)")
        assertSameSet(expected, Set(ServiceCatalog.processNames), "one container per process in the catalog")
    }

    func testEveryContainerUsesTheOneImageBuiltFromTheDockerfile() throws {
        var images: Set<String> = []
        for (name, service) in try composeServices() {
            images.insert(try XCTUnwrap(service["image"] as? String, "\(name): no `image`"))
            XCTAssertNil(service["entrypoint"], "\(name): sets `entrypoint`; the image has none and `command` names the executable")
            if let buildValue = service["build"] {
                let build = try mapping(buildValue, "\(name).build")
                XCTAssertEqual(build["dockerfile"] as? String, "deploy/Dockerfile", "\(name): build.dockerfile")
                let context = try XCTUnwrap(build["context"] as? String, "\(name): build.context")
                let resolved = Self.root.appendingPathComponent("deploy").appendingPathComponent(context).standardizedFileURL
                XCTAssertEqual(resolved.path, Self.root.standardizedFileURL.path, "\(name): build.context must be the repository root (\"..\" from deploy/)")
            }
        }
        XCTAssertEqual(images.count, 1, "all containers should run the same image, found \(images.sorted())")
    }

    func testEachContainerRunsItsOwnExecutableOnItsPort() throws {
        let services = try composeServices()
        let ports = try servicePorts()
        for (name, port) in ports.sorted(by: { $0.key < $1.key }) {
            let command = try commandArguments(try XCTUnwrap(services[name], "no compose service \(name)")["command"], "\(name).command")
            XCTAssertEqual(command.first, name, "\(name): command should start with its own executable, got \(command)")
            XCTAssertEqual(flag("--port", in: command), String(port), "\(name): --port in \(command)")
            XCTAssertEqual(flag("--host", in: command), "0.0.0.0", "\(name): --host in \(command)")
            XCTAssertEqual(flag("--data", in: command), "/data", "\(name): --data in \(command)")
        }
        let gateway = try gatewayPorts()
        let command = try commandArguments(try XCTUnwrap(services[Self.gateway], "no compose service gateway")["command"], "gateway.command")
        XCTAssertEqual(command.first, Self.gateway, "gateway: command should start with `gateway`, got \(command)")
        XCTAssertEqual(flag("--port", in: command), String(gateway.frames), "gateway: --port in \(command)")
        XCTAssertEqual(flag("--http-port", in: command), String(gateway.http), "gateway: --http-port in \(command)")
        XCTAssertEqual(flag("--host", in: command), "0.0.0.0", "gateway: --host in \(command)")
    }

    func testEachServiceKeepsItsDatabaseInItsOwnNamedVolume() throws {
        let services = try composeServices()
        let declared = Set(try mapping(try compose()["volumes"], "top-level `volumes`").keys)
        var owner: [String: String] = [:]
        // Every service's database, and the gateway's API keys.
        for name in try servicePorts().keys.sorted() + [Self.gateway] {
            let mounts = try volumeMounts(try XCTUnwrap(services[name], "no compose service \(name)")["volumes"], "\(name).volumes")
            let data = mounts.filter { $0.target == "/data" }
            XCTAssertEqual(data.count, 1, "\(name): expected exactly one volume at /data, found \(data)")
            guard let mount = data.first else { continue }
            let source = try XCTUnwrap(mount.source, "\(name): /data is an anonymous volume; it needs a named one")
            XCTAssertFalse(
                source.contains("/") || source.hasPrefix(".") || source.hasPrefix("~"), "\(name): /data comes from the host path \(source), not a named volume")
            XCTAssertTrue(declared.contains(source), "\(name): volume \(source) is not declared under top-level `volumes` (declared: \(declared.sorted()))")
            if let other = owner[source] { XCTFail("\(name) and \(other) share the volume \(source); each database needs its own") }
            owner[source] = name
        }
        assertSameSet(declared, Set(owner.keys), "declared volumes vs. volumes the services mount at /data")
    }

    /// The flows between the services (docs/FLOWS.md): each service is told where every other listens.
    func testEveryServiceKnowsWhereTheOthersListen() throws {
        let services = try composeServices()
        let ports = try servicePorts()
        for name in ports.keys.sorted() {
            let environment = try environmentVariables(try XCTUnwrap(services[name], "no compose service \(name)")["environment"], "\(name).environment")
            for (peer, port) in ports.sorted(by: { $0.key < $1.key }) where peer != name {
                XCTAssertEqual(environment["CIVIC_\(peer.uppercased())_ADDR"], "\(peer):\(port)", "\(name): where \(peer) listens")
            }
        }
    }

    func testEveryContainerSharesTheInternalKeyAndTheGatewayKeepsItsData() throws {
        let services = try composeServices()
        for (name, service) in services.sorted(by: { $0.key < $1.key }) {
            let environment = try environmentVariables(service["environment"], "\(name).environment")
            // `:?` — compose refuses to start when the variable is unset or empty: no container
            // runs without the key (issue 16).
            let value = try XCTUnwrap(environment["CIVIC_INTERNAL_KEY"], "\(name): no CIVIC_INTERNAL_KEY")
            XCTAssertTrue(
                value.hasPrefix("${CIVIC_INTERNAL_KEY:?") && value.hasSuffix("}"),
                "\(name): CIVIC_INTERNAL_KEY must be required from the one variable, got \(value)")
        }
        let gateway = try XCTUnwrap(services[Self.gateway])
        let command = try commandArguments(gateway["command"], "gateway.command")
        XCTAssertEqual(flag("--data", in: command), "/data", "gateway: --data in \(command)")
    }

    func testEveryContainerHasAHealthCheckProbingItsOwnPort() throws {
        let services = try composeServices()
        var expected = try servicePorts()
        expected[Self.gateway] = try gatewayPorts().frames  // the probe speaks framed RPC, not HTTP
        for (name, port) in expected.sorted(by: { $0.key < $1.key }) {
            let check = try mapping(try XCTUnwrap(services[name], "no compose service \(name)")["healthcheck"], "\(name).healthcheck")
            XCTAssertNotEqual(check["disable"] as? Bool, true, "\(name): healthcheck is disabled")
            let words = try healthCommand(check["test"], "\(name).healthcheck.test")
            XCTAssertEqual(Array(words.prefix(2)), ["civic", "health"], "\(name): healthcheck should run `civic health`, runs \(words)")
            XCTAssertEqual(flag("--probe", in: words), "127.0.0.1:\(port)", "\(name): healthcheck should probe its own port \(port) on loopback, runs \(words)")
            for key in ["interval", "timeout", "retries", "start_period"] {
                XCTAssertNotNil(check[key], "\(name): healthcheck has no \(key)")
            }
            // `civic health` waits up to 3 s by default; a shorter healthcheck timeout kills the
            // probe before it can answer.
            let timeout = try duration(check["timeout"], "\(name).healthcheck.timeout")
            let wait = flag("--timeout-ms", in: words).flatMap { Double($0) }.map { $0 / 1000 } ?? 3
            XCTAssertGreaterThan(timeout, wait, "\(name): healthcheck timeout \(timeout)s must exceed the probe's own wait \(wait)s")
        }
    }

    func testEveryContainerHasARestartPolicy() throws {
        for (name, service) in try composeServices().sorted(by: { $0.key < $1.key }) {
            let policy = try XCTUnwrap(service["restart"] as? String, "\(name): no `restart` policy")
            XCTAssertTrue(
                ["always", "unless-stopped", "on-failure"].contains(policy) || policy.hasPrefix("on-failure:"),
                "\(name): restart is \"\(policy)\"; expected always, unless-stopped or on-failure")
        }
    }

    func testOnlyTheGatewayIsPublished() throws {
        let services = try composeServices()
        for (name, service) in services.sorted(by: { $0.key < $1.key }) where name != Self.gateway {
            XCTAssertNil(service["ports"], "\(name) publishes ports; only the gateway may")
            XCTAssertNotEqual(service["network_mode"] as? String, "host", "\(name) uses the host network, which publishes every port")
        }
        let gateway = try XCTUnwrap(services[Self.gateway], "no compose service gateway")
        let published = try publishedPorts(gateway["ports"], "gateway.ports")
        let expected = try gatewayPorts()
        XCTAssertEqual(published.map { $0.container }.sorted(), [expected.frames, expected.http], "gateway: published container ports")
        for port in published {
            XCTAssertEqual(
                port.host, port.container, "gateway: container port \(port.container) is published as \(port.host.map { String($0) } ?? "a random port")")
        }
    }

    func testGatewayFindsEachServiceByItsServiceName() throws {
        let gateway = try XCTUnwrap(try composeServices()[Self.gateway], "no compose service gateway")
        let environment = try environmentVariables(gateway["environment"], "gateway.environment")
        let command = try commandArguments(gateway["command"], "gateway.command")
        for (name, port) in try servicePorts().sorted(by: { $0.key < $1.key }) {
            let variable = try XCTUnwrap(ServiceCatalog.service(named: name)).addressVariable
            // A --backend NAME=HOST:PORT flag overrides the variable (GatewayOptions.resolve).
            let flagged = command.indices.dropLast().filter { command[$0] == "--backend" }.map { command[$0 + 1] }
                .first { $0.hasPrefix("\(name)=") }.map { String($0.dropFirst(name.count + 1)) }
            let effective = flagged ?? environment[variable]
            XCTAssertEqual(effective, "\(name):\(port)", "gateway: \(variable) (or --backend \(name)=…) should name the compose service and its port")
        }
    }

    func testGatewayStartsAfterEveryServiceIsHealthy() throws {
        let gateway = try XCTUnwrap(try composeServices()[Self.gateway], "no compose service gateway")
        let dependsOn = try mapping(gateway["depends_on"], "gateway.depends_on (the long form, with conditions)")
        let services = Set(try servicePorts().keys)
        assertSameSet(Set(dependsOn.keys), services, "gateway.depends_on vs. the five services")
        for name in services.sorted() {
            let condition = try mapping(dependsOn[name], "gateway.depends_on.\(name)")["condition"] as? String
            XCTAssertEqual(condition, "service_healthy", "gateway.depends_on.\(name).condition")
        }
    }

    // MARK: - Dockerfile

    func testDockerfileBuildsInReleaseAndShipsEveryExecutable() throws {
        let stages = dockerStages(try read("deploy/Dockerfile"))
        XCTAssertGreaterThanOrEqual(stages.count, 2, "the Dockerfile should be multi-stage (a builder and a runtime)")
        let builder = try XCTUnwrap(stages.first { $0.name == "builder" }, "no stage `AS builder`; stages: \(stages.map(\.from))")
        XCTAssertTrue(builder.from.hasPrefix("swift:"), "the builder should start from an official swift image, starts from \(builder.from)")
        let runtime = try XCTUnwrap(stages.last)
        XCTAssertNotEqual(runtime.name, "builder", "the last stage should be the runtime, not the builder")

        let shipped = try shippedExecutables()
        let builds = builder.instructions.filter { $0.keyword == "RUN" && $0.arguments.contains("swift build") }
        XCTAssertFalse(builds.isEmpty, "the builder never runs `swift build`")
        for run in builds {
            let words = Set(run.arguments.split(whereSeparator: { " \t;\"'".contains($0) }).map(String.init))
            XCTAssertTrue(run.arguments.contains("-c release"), "swift build without `-c release`: \(run.arguments)")
            XCTAssertTrue(words.contains("--static-swift-stdlib"), "swift build without --static-swift-stdlib: \(run.arguments)")
            for name in shipped.sorted() {
                XCTAssertTrue(words.contains(name), "the builder's swift build step never names the executable \(name)")
            }
        }

        var copied: [String] = []
        for copy in runtime.instructions where copy.keyword == "COPY" {
            let words = copy.arguments.split(whereSeparator: \.isWhitespace).map(String.init)
            XCTAssertFalse(copy.arguments.hasPrefix("["), "write COPY in shell form so this test can read it: \(copy.arguments)")
            guard words.contains("--from=builder"), let destination = words.last, destination.hasPrefix("/usr/local/bin") else { continue }
            copied += words.dropLast().filter { !$0.hasPrefix("--") }.map { $0.split(separator: "/").last.map { String($0) } ?? $0 }
        }
        XCTAssertEqual(copied.count, Set(copied).count, "an executable is copied twice: \(copied)")
        assertSameSet(Set(copied), shipped, "executables the runtime stage copies into /usr/local/bin vs. Package.swift (less build tools)")

        let user = try XCTUnwrap(runtime.instructions.last { $0.keyword == "USER" }, "the runtime stage sets no USER, so it runs as root")
        XCTAssertFalse(["root", "0", "root:root", "0:0"].contains(user.arguments), "the runtime stage runs as \(user.arguments)")
        XCTAssertTrue(runtime.instructions.contains { $0.keyword == "VOLUME" && $0.arguments.contains("/data") }, "the runtime stage declares no VOLUME /data")
        XCTAssertTrue(
            runtime.instructions.contains { $0.keyword == "ENV" && $0.arguments.contains("CIVIC_HOST=0.0.0.0") },
            "the runtime stage does not set CIVIC_HOST=0.0.0.0")
    }

    // MARK: - Kubernetes

    private func kubernetesObjects() throws -> [(kind: String, name: String, body: [String: Any])] {
        let folder = Self.root.appendingPathComponent("deploy/k8s")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        XCTAssertFalse(files.isEmpty, "deploy/k8s holds no YAML")
        var objects: [(kind: String, name: String, body: [String: Any])] = []
        for file in files {
            var documents = try Yams.load_all(yaml: try read("deploy/k8s/\(file)"))
            while let document = documents.next() {
                let body = try mapping(document, "a document in deploy/k8s/\(file)")
                let kind = try XCTUnwrap(body["kind"] as? String, "deploy/k8s/\(file): a document without kind")
                let name = try XCTUnwrap(
                    try mapping(body["metadata"], "\(file) \(kind).metadata")["name"] as? String, "deploy/k8s/\(file): \(kind) without a name")
                objects.append((kind, name, body))
            }
            if let error = documents.error { XCTFail("deploy/k8s/\(file) is not valid YAML: \(error)"); throw error }
        }
        return objects
    }

    private func podContainer(_ object: [String: Any], named name: String, _ what: String) throws -> (pod: [String: Any], container: [String: Any]) {
        let spec = try mapping(object["spec"], "\(what).spec")
        let pod = try mapping(try mapping(spec["template"], "\(what).spec.template")["spec"], "\(what).spec.template.spec")
        let containers = try XCTUnwrap(pod["containers"] as? [Any], "\(what): no containers")
        let container = try XCTUnwrap(
            try containers.map { try mapping($0, "\(what) container") }.first { $0["name"] as? String == name }, "\(what): no container named \(name)")
        return (pod, container)
    }

    private func servicePortNumbers(_ object: [String: Any], _ what: String) throws -> [Int] {
        let ports = try XCTUnwrap(try mapping(object["spec"], "\(what).spec")["ports"] as? [Any], "\(what): no ports")
        return try ports.map { try XCTUnwrap(try mapping($0, "\(what) port")["port"] as? Int, "\(what): a port without a number") }.sorted()
    }

    func testKubernetesRunsEachServiceAsAStatefulSetWithItsOwnVolume() throws {
        let objects = try kubernetesObjects()
        for (name, port) in try servicePorts().sorted(by: { $0.key < $1.key }) {
            let statefulSet = try XCTUnwrap(objects.first { $0.kind == "StatefulSet" && $0.name == name }, "deploy/k8s: no StatefulSet \(name)").body
            let spec = try mapping(statefulSet["spec"], "StatefulSet \(name).spec")
            XCTAssertEqual(spec["replicas"] as? Int, 1, "StatefulSet \(name): SQLite has one writer, so exactly 1 replica")
            let claims = try XCTUnwrap(spec["volumeClaimTemplates"] as? [Any], "StatefulSet \(name): no volumeClaimTemplates")
            let claimNames = try claims.map {
                try XCTUnwrap(
                    try mapping(try mapping($0, "claim")["metadata"], "claim.metadata")["name"] as? String, "StatefulSet \(name): a claim without a name")
            }
            let (_, container) = try podContainer(statefulSet, named: name, "StatefulSet \(name)")
            let command = try commandArguments(container["command"], "StatefulSet \(name) command")
            XCTAssertEqual(command.first, name, "StatefulSet \(name): command should start with its own executable, got \(command)")
            XCTAssertEqual(flag("--port", in: command), String(port), "StatefulSet \(name): --port in \(command)")
            XCTAssertEqual(flag("--data", in: command), "/data", "StatefulSet \(name): --data in \(command)")
            let mounts = try XCTUnwrap(container["volumeMounts"] as? [Any], "StatefulSet \(name): no volumeMounts").map { try mapping($0, "volumeMount") }
            let data = try XCTUnwrap(mounts.first { $0["mountPath"] as? String == "/data" }, "StatefulSet \(name): nothing mounted at /data")
            XCTAssertTrue(
                claimNames.contains(data["name"] as? String ?? ""), "StatefulSet \(name): /data should come from a volumeClaimTemplate (\(claimNames))")
            for probe in ["readinessProbe", "livenessProbe"] {
                let exec = try mapping(try mapping(container[probe], "StatefulSet \(name) \(probe)")["exec"], "StatefulSet \(name) \(probe).exec")
                let words = try commandArguments(exec["command"], "StatefulSet \(name) \(probe).exec.command")
                XCTAssertEqual(words, ["civic", "health", "--probe", "127.0.0.1:\(port)"], "StatefulSet \(name): \(probe)")
            }
            let service = try XCTUnwrap(objects.first { $0.kind == "Service" && $0.name == name }, "deploy/k8s: no Service \(name)").body
            XCTAssertEqual(try servicePortNumbers(service, "Service \(name)"), [port], "Service \(name): ports")
            try assertRequiresTheInternalKey(container, "StatefulSet \(name)")
        }
    }

    /// The pod does not start without the Secret's key (issue 16: no service runs open).
    private func assertRequiresTheInternalKey(_ container: [String: Any], _ what: String) throws {
        let env = try XCTUnwrap(container["env"] as? [Any], "\(what): no env").map { try mapping($0, "\(what) env") }
        let key = try XCTUnwrap(env.first { $0["name"] as? String == "CIVIC_INTERNAL_KEY" }, "\(what): no CIVIC_INTERNAL_KEY")
        let reference = try mapping(try mapping(key["valueFrom"], "\(what) CIVIC_INTERNAL_KEY.valueFrom")["secretKeyRef"], "\(what) secretKeyRef")
        XCTAssertEqual(reference["name"] as? String, "civic-internal", "\(what): the Secret")
        XCTAssertEqual(reference["key"] as? String, "internal-key", "\(what): the Secret's key")
        XCTAssertEqual(reference["optional"] as? Bool, false, "\(what): the key must not be optional")
    }

    func testKubernetesRunsTheGatewayAsADeploymentFindingServicesByName() throws {
        let objects = try kubernetesObjects()
        let ports = try gatewayPorts()
        let deployment = try XCTUnwrap(objects.first { $0.kind == "Deployment" && $0.name == Self.gateway }, "deploy/k8s: no Deployment gateway").body
        let (_, container) = try podContainer(deployment, named: Self.gateway, "Deployment gateway")
        let command = try commandArguments(container["command"], "Deployment gateway command")
        XCTAssertEqual(command.first, Self.gateway, "Deployment gateway: command \(command)")
        try assertRequiresTheInternalKey(container, "Deployment gateway")
        XCTAssertEqual(flag("--port", in: command), String(ports.frames), "Deployment gateway: --port")
        XCTAssertEqual(flag("--http-port", in: command), String(ports.http), "Deployment gateway: --http-port")
        var environment: [String: String] = [:]
        for rawEntry in try XCTUnwrap(container["env"] as? [Any], "Deployment gateway: no env") {
            let entry = try mapping(rawEntry, "env entry")
            if let key = entry["name"] as? String { environment[key] = scalar(entry["value"]) }
        }
        for (name, port) in try servicePorts().sorted(by: { $0.key < $1.key }) {
            let variable = "CIVIC_\(name.uppercased())_ADDR"
            XCTAssertEqual(flag("--\(name)", in: command) ?? environment[variable], "\(name):\(port)", "Deployment gateway: \(variable)")
        }
        let service = try XCTUnwrap(objects.first { $0.kind == "Service" && $0.name == Self.gateway }, "deploy/k8s: no Service gateway").body
        XCTAssertEqual(try servicePortNumbers(service, "Service gateway"), [ports.frames, ports.http], "Service gateway: ports")
        let stateful = objects.filter { $0.kind == "StatefulSet" }.map { $0.name }
        assertSameSet(Set(stateful), Set(try servicePorts().keys), "StatefulSets vs. the five services")
    }

    // MARK: - Reading YAML values

    private func mapping(_ value: Any?, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try XCTUnwrap(value as? [String: Any], "\(what) should be a mapping, found \(value.map { "\($0)" } ?? "nothing")", file: file, line: line)
    }

    /// A YAML scalar as text (YAML reads unquoted 7101 as a number).
    private func scalar(_ value: Any?) -> String? {
        switch value {
        case let text as String: text
        case let number as Int: String(number)
        case let bool as Bool: String(bool)
        default: nil
        }
    }

    /// `command:` as a list of words (the list form, so no shell re-splits it).
    private func commandArguments(_ value: Any?, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let list = try XCTUnwrap(value as? [Any], "\(what) should be a list of words, found \(value.map { "\($0)" } ?? "nothing")", file: file, line: line)
        return try list.map { try XCTUnwrap(scalar($0), "\(what): \($0) is not a scalar", file: file, line: line) }
    }

    /// The value of `--flag value` or `--flag=value`.
    private func flag(_ name: String, in words: [String]) -> String? {
        for (index, word) in words.enumerated() {
            if word == name { return index + 1 < words.count ? words[index + 1] : nil }
            if word.hasPrefix(name + "=") { return String(word.dropFirst(name.count + 1)) }
        }
        return nil
    }

    /// A healthcheck's `test` as the words it runs: ["CMD", …], ["CMD-SHELL", "…"] or a string.
    private func healthCommand(_ value: Any?, _ what: String) throws -> [String] {
        if let text = value as? String { return text.split(whereSeparator: \.isWhitespace).map(String.init) }
        let words = try commandArguments(value, what)
        switch words.first {
        case "CMD": return Array(words.dropFirst())
        case "CMD-SHELL": return words.dropFirst().joined(separator: " ").split(whereSeparator: \.isWhitespace).map(String.init)
        default:
            XCTFail("\(what) should start with CMD or CMD-SHELL, found \(words)")
            return []
        }
    }

    /// Compose durations: "1m30s", "5s", "500ms".
    private func duration(_ value: Any?, _ what: String) throws -> Double {
        let text = try XCTUnwrap(value as? String, "\(what) should be a duration such as \"5s\"")
        let parts = captures(of: #"(\d+(?:\.\d+)?)(us|ms|s|m|h)"#, in: text)
        XCTAssertEqual(parts.map { $0[0] + $0[1] }.joined(), text, "\(what): cannot read the duration \"\(text)\"")
        let seconds: [String: Double] = ["us": 0.000_001, "ms": 0.001, "s": 1, "m": 60, "h": 3600]
        return parts.reduce(0.0) { $0 + (Double($1[0]) ?? 0) * (seconds[$1[1]] ?? 0) }
    }

    /// `environment:` as a mapping or a list of KEY=VALUE.
    private func environmentVariables(_ value: Any?, _ what: String) throws -> [String: String] {
        if let map = value as? [String: Any] { return map.compactMapValues { scalar($0) } }
        let list = try XCTUnwrap(value as? [Any], "\(what) should be a mapping or a list of KEY=VALUE")
        var result: [String: String] = [:]
        for entry in list {
            let text = try XCTUnwrap(entry as? String, "\(what): \(entry) is not KEY=VALUE")
            let pair = text.split(separator: "=", maxSplits: 1).map(String.init)
            result[pair[0]] = pair.count == 2 ? pair[1] : ""
        }
        return result
    }

    /// `volumes:` entries in the short ("source:target[:mode]") or the long form.
    private func volumeMounts(_ value: Any?, _ what: String) throws -> [(source: String?, target: String)] {
        let list = try XCTUnwrap(value as? [Any], "\(what) should be a list")
        return try list.map { (entry: Any) -> (source: String?, target: String) in
            if let text = entry as? String {
                let parts = text.split(separator: ":").map(String.init)
                return parts.count == 1 ? (nil, parts[0]) : (parts[0], parts[1])
            }
            let long = try mapping(entry, "\(what) entry")
            let target = try XCTUnwrap(long["target"] as? String, "\(what): an entry without target")
            return (long["source"] as? String, target)
        }
    }

    /// `ports:` entries: "[ip:]host:container[/proto]", "container", or the long form.
    private func publishedPorts(_ value: Any?, _ what: String) throws -> [(host: Int?, container: Int)] {
        let list = try XCTUnwrap(value as? [Any], "\(what) should be a list")
        return try list.map { (entry: Any) -> (host: Int?, container: Int) in
            if let number = entry as? Int { return (nil, number) }
            if let text = entry as? String {
                let parts = text.split(separator: "/")[0].split(separator: ":").map(String.init)
                let container = try XCTUnwrap(parts.last.flatMap { Int($0) }, "\(what): cannot read \"\(text)\" (use a single port, not a range)")
                return (parts.count >= 2 ? Int(parts[parts.count - 2]) : nil, container)
            }
            let long = try mapping(entry, "\(what) entry")
            let container = try XCTUnwrap(scalar(long["target"]).flatMap { Int($0) }, "\(what): an entry without target")
            return (scalar(long["published"]).flatMap { Int($0) }, container)
        }
    }

    // MARK: - Reading the Dockerfile

    private struct DockerInstruction {
        var keyword: String
        var arguments: String
    }

    private struct DockerStage {
        var from: String
        var name: String?
        var instructions: [DockerInstruction]
    }

    /// Instructions grouped by stage, with line continuations joined and comments dropped.
    private func dockerStages(_ text: String) -> [DockerStage] {
        var instructions: [DockerInstruction] = []
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || (line.isEmpty && pending.isEmpty) { continue }
            if line.hasSuffix("\\") {
                pending += String(line.dropLast()) + " "
                continue
            }
            let whole = (pending + line).trimmingCharacters(in: .whitespaces)
            pending = ""
            let parts = whole.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = parts.first else { continue }
            instructions.append(
                DockerInstruction(keyword: keyword.uppercased(), arguments: parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""))
        }
        var stages: [DockerStage] = []
        for instruction in instructions {
            if instruction.keyword == "FROM" {
                let words = instruction.arguments.split(whereSeparator: \.isWhitespace).map(String.init).filter { !$0.hasPrefix("--") }
                let asIndex = words.firstIndex { $0.lowercased() == "as" }
                stages.append(DockerStage(from: words.first ?? "", name: asIndex.flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil }, instructions: []))
            } else if !stages.isEmpty {
                stages[stages.count - 1].instructions.append(instruction)
            }
        }
        return stages
    }

    // MARK: - Helpers

    /// The capture groups of every match of `pattern` in `text`.
    private func captures(of pattern: String, in text: String) -> [[String]] {
        guard let expression = try? NSRegularExpression(pattern: pattern) else {
            XCTFail("bad pattern \(pattern)")
            return []
        }
        let whole = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: whole).map { match in
            (1..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }

    private func assertSameSet(_ actual: Set<String>, _ expected: Set<String>, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard actual != expected else { return }
        let missing = expected.subtracting(actual).sorted()
        let unexpected = actual.subtracting(expected).sorted()
        XCTFail("\(what): missing \(missing), unexpected \(unexpected)", file: file, line: line)
    }
}
