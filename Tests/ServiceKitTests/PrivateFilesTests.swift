import CivicServiceKit
import Foundation
import Testing

@Suite("Private files")
struct PrivateFilesTests {
    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("civic-private-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        return path
    }

    private func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func aSecretIsWrittenWholeAndPrivateAndReplacesTheOldOne() throws {
        let dir = try folder()
        let path = dir + "/admin.token"
        try PrivateFiles.writeSecret("first\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first\n")
        #expect(try mode(path) == 0o600)
        try PrivateFiles.writeSecret("second\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
        #expect(try mode(path) == 0o600)
        // Nothing left behind: no temporary file beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["admin.token"])
    }

    @Test func aSecretThatCannotBeWrittenThrowsAndLeavesNothing() throws {
        let dir = try folder()
        #expect(throws: (any Error).self) { try PrivateFiles.writeSecret("x", to: dir + "/missing/internal.key") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func aFolderIsMadePrivate() throws {
        let dir = try folder()
        #expect(try mode(dir) == 0o755)
        try PrivateFiles.restrict(folder: dir)
        #expect(try mode(dir) == 0o700)
    }
}
