import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation
import Testing

/// Certificates that do not fit and endpoints that are not what they claim: a CA that did
/// not sign the members, a client certificate they do not trust, a TLS server showing a
/// certificate our CA signed but for another address, a socket that accepts and then says
/// nothing. The client refuses the certificate problems (never talking HTTP over them) and
/// gives up on the mute endpoint within the budget. One shared cluster: nothing here stops it.
@Suite("etcd client: TLS refusals, impostor and mute endpoints (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged, Comment(rawValue: TestHost.privilegedSkipReason)), .sharedEtcdCluster)
struct EtcdClientAttackTests {
    private var shared: EtcdCluster {
        get throws { try #require(SharedEtcdCluster.current, "the suite's cluster") }
    }

    /// The test namespace's own address on the cluster bridge (10.99.S.1): not in any
    /// member certificate.
    private func bridgeAddress(_ cluster: EtcdCluster) -> String {
        let host = cluster.endpoints[0].dropFirst("https://".count).split(separator: ":")[0]
        return host.split(separator: ".").dropLast().joined(separator: ".") + ".1"
    }

    /// Starts `command` in the background; its PID (kill it with SIGKILL when done).
    private func background(_ command: String) throws -> String {
        let outcome = try ProcessRunner.run(["/bin/bash", "-c", "(\(command)) </dev/null >/dev/null 2>&1 & echo $!"],
                                            environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        return outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func killProcess(_ pid: String) {
        _ = try? ProcessRunner.run(["/bin/kill", "-KILL", pid], environment: [:])
    }

    @Test("a server with a member's certificate (our CA) on another address is refused for the IP mismatch")
    func impostorCertificate() throws {
        let cluster = try shared
        let address = bridgeAddress(cluster)
        let memberCertificate = cluster.trusted.caFile.replacingOccurrences(of: "ca.crt", with: "m1.crt")
        let memberKey = cluster.trusted.caFile.replacingOccurrences(of: "ca.crt", with: "m1.key")
        let server = try background("exec openssl s_server -quiet -accept \(address):4433 -cert \(memberCertificate) "
                                    + "-key \(memberKey) -WWW")
        defer { killProcess(server) }
        try waitForListener(address, 4433)
        let client = try EtcdClient(config: cluster.config(endpoints: ["https://\(address):4433"]))
        let error = #expect(throws: StoreError.self) { try client.get("/flatnet/x") }
        guard case .refused(let text)? = error else {
            Issue.record("expected .refused, got \(String(describing: error))")
            return
        }
        #expect(text.contains("IP address mismatch"), "\(text)")
        let member = try EtcdClient(config: cluster.config(endpoints: [cluster.endpoints[0]]))
        #expect(try member.get("/flatnet/x") == nil, "positive control: the same certificate where it belongs is fine")
    }

    @Test("a socket that accepts and never speaks costs the budget, then .unavailable; a member after it answers")
    func muteListener() throws {
        let cluster = try shared
        let address = bridgeAddress(cluster)
        let listener = try background("exec python3 -c 'import socket, time; s = socket.socket(); "
                                      + "s.bind((\"\(address)\", 4434)); s.listen(8); time.sleep(120)'")
        defer { killProcess(listener) }
        try waitForListener(address, 4434)
        let mute = "https://\(address):4434"
        let alone = try EtcdClient(config: cluster.config(endpoints: [mute], timeoutMilliseconds: 1000))
        let error = #expect(throws: StoreError.self) { try alone.get("/flatnet/x") }
        guard case .unavailable(let text)? = error else {
            Issue.record("expected .unavailable, got \(String(describing: error))")
            return
        }
        #expect(text.contains("TLS handshake"), "\(text)")
        let withMember = try EtcdClient(config: cluster.config(endpoints: [mute, cluster.endpoints[1]]))
        #expect(try withMember.get("/flatnet/x") == nil, "the member after the mute endpoint answered")
    }

    @Test("a CA that did not sign the members, or a client certificate they do not trust: .refused")
    func tlsRefusals() throws {
        let cluster = try shared
        let trusted = cluster.trusted, untrusted = cluster.untrusted
        let wrongCA = EtcdStoreConfig.TLSFiles(certFile: trusted.certFile, keyFile: trusted.keyFile, caFile: untrusted.caFile)
        let wrongClient = EtcdStoreConfig.TLSFiles(certFile: untrusted.certFile, keyFile: untrusted.keyFile,
                                                   caFile: trusted.caFile)
        for (files, expected) in [(wrongCA, "certificate"), (wrongClient, "alert")] {
            let client = try EtcdClient(config: cluster.config(tls: files))
            let error = #expect(throws: StoreError.self) { try client.get("/flatnet/t") }
            guard case .refused(let text)? = error else {
                Issue.record("expected .refused, got \(String(describing: error))")
                continue
            }
            #expect(text.contains(expected) && text.contains(files.caFile), "\(text)")
        }
        let positive = try EtcdClient(config: cluster.config())
        #expect(try positive.get("/flatnet/t") == nil, "positive control: the trusted files work")
    }

    @Test("TLS files that do not load are refused at once, naming the file")
    func missingFiles() throws {
        let missing = EtcdStoreConfig.TLSFiles(certFile: "/nonexistent/client.crt", keyFile: "/nonexistent/client.key",
                                               caFile: "/nonexistent/ca.crt")
        let error = #expect(throws: StoreError.self) {
            try EtcdClient(config: EtcdStoreConfig(endpoints: ["https://10.99.9.11:2379"], tls: missing))
        }
        guard case .refused(let text)? = error else {
            Issue.record("expected .refused, got \(String(describing: error))")
            return
        }
        #expect(text.contains("/nonexistent/client.crt"))
        #expect(throws: StoreError.self) {
            try EtcdClient(config: EtcdStoreConfig(endpoints: ["https://10.99.9.11:2379"], tls: nil))
        }
    }

    @Test("an encrypted client key is refused at once naming the key file (no password prompt)")
    func encryptedKey() throws {
        let cluster = try shared
        let encrypted = cluster.directory + "/pki/client-encrypted.key"
        let made = try ProcessRunner.run(["/usr/bin/openssl", "pkey", "-in", cluster.trusted.keyFile, "-aes256",
                                          "-passout", "pass:secret", "-out", encrypted], environment: [:])
        #expect(made.status == 0, "\(made.stderr)")
        let files = EtcdStoreConfig.TLSFiles(certFile: cluster.trusted.certFile, keyFile: encrypted,
                                             caFile: cluster.trusted.caFile)
        let error = #expect(throws: StoreError.self) { try EtcdClient(config: cluster.config(tls: files)) }
        guard case .refused(let text)? = error else {
            Issue.record("expected .refused, got \(String(describing: error))")
            return
        }
        #expect(text.contains(encrypted), "\(text)")
    }

    /// Polls until something listens on address:port (ss), at most 10 s.
    private func waitForListener(_ address: String, _ port: Int) throws {
        for _ in 0..<200 {
            let listing = try ProcessRunner.run(["/usr/bin/ss", "-Htln", "src", "\(address):\(port)"],
                                                environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
            if !listing.stdout.isEmpty { return }
            usleep(50_000)
        }
        throw ListenerNeverCame(address: "\(address):\(port)")
    }
}

private struct ListenerNeverCame: Error { var address: String }
