import FlatnetCore
import FlatnetSystem
import FlatnetTestSupport
import Foundation
import Testing

/// A member that dies while the client waits for its answer ends the TLS stream without
/// close_notify. OpenSSL 3 reports that as a protocol error, and the client made the call
/// `.refused` (code 111: do not retry) instead of `.unavailable` (11). Seen in the stress
/// run with the leader SIGKILLed. Here a fake member on 127.0.0.1 (python's ssl: no root,
/// no namespace) reads each request whole and then closes with a bare FIN.
@Suite("Review 19: a TLS member gone mid-answer")
struct Review19TLSEndOfStreamTests {
    static let server = #"""
        import socket, ssl, sys
        directory = sys.argv[1]
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(directory + "/m.crt", directory + "/m.key")
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        open(directory + "/port", "w").write(str(listener.getsockname()[1]))
        while True:
            raw, _ = listener.accept()
            try:
                tls = context.wrap_socket(raw, server_side=True)
                data = b""
                while b"\r\n\r\n" not in data:
                    data += tls.recv(4096)
                head, _, body = data.partition(b"\r\n\r\n")
                length = [int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                while len(body) < (length[0] if length else 0):
                    body += tls.recv(4096)
                socket.socket.shutdown(tls, socket.SHUT_WR)  # a FIN, no close_notify
                while socket.socket.recv(tls, 4096):
                    pass
            except Exception:
                pass
            raw.close()
        """#

    static let setup = #"""
        set -e
        cd "$1"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=ca \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
            -keyout ca.key -out ca.crt 2>/dev/null
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=m \
            -keyout m.key -out m.csr 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1\n' > ext
        openssl x509 -req -in m.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out m.crt \
            -extfile ext 2>/dev/null
        printf '%s' "$2" > server.py
        setsid python3 server.py "$1" >/dev/null 2>&1 < /dev/null &
        echo $! > pid
        for _ in $(seq 100); do [ -s port ] && exit 0; sleep 0.05; done
        exit 1
        """#

    @Test("a member that closes without close_notify while the client waits is unavailable (11), not refused (111)")
    func endOfStreamIsUnavailable() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("flatnet-review19-tls-\(ProcessRunner.uniqueSuffix())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let started = try ProcessRunner.run(["/bin/bash", "-c", Self.setup, "setup", directory, Self.server])
        defer {
            if let pid = try? String(contentsOfFile: directory + "/pid", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines), !pid.isEmpty {
                _ = try? ProcessRunner.run(["/bin/kill", pid])
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
        try #require(started.status == 0, "the fake member did not start: \(started.stderr)")
        let port = try String(contentsOfFile: directory + "/port", encoding: .utf8)
        let files = EtcdStoreConfig.TLSFiles(certFile: directory + "/m.crt", keyFile: directory + "/m.key",
                                             caFile: directory + "/ca.crt")
        let client = try EtcdClient(config: EtcdStoreConfig(endpoints: ["https://127.0.0.1:\(port)"], tls: files,
                                                            timeoutMilliseconds: 600))
        let error = #expect(throws: StoreError.self) { try client.get("/flatnet/t") }
        guard case .unavailable? = error else {
            Issue.record("expected .unavailable (11), got \(String(describing: error))")
            return
        }
    }
}
