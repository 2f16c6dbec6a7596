import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// The audit log (README "Audit log") written by real plugin runs, and `flatnet who`
/// answering from it.
@Suite("Audit log and flatnet who (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"))
struct AuditLogTests {
    static func lines(_ path: String) throws -> [JSONValue] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    @Test("ADD, CHECK and DEL in the topology each write one line naming the pod and what it got; who answers")
    func attachAndAsk() throws {
        let topology = try Topology()
        _ = try topology.container("cA1")
        let log = topology.stateDirectory + "/log/audit.log"
        let config = topology.flatA(host: "hA").setting("logFile", to: .string(log))
        let pod = "IgnoreUnknown=1;K8S_POD_NAMESPACE=payments;K8S_POD_NAME=ledger-0"
        let add = try topology.flatnet("ADD", host: "hA", container: "cA1", config: config, arguments: pod)
        #expect(add.status == 0, "\(add.outcome.stdout)")
        let address = try #require(add.address)
        let withPrevious = config.setting("prevResult", to: try #require(add.reply))
        #expect(try topology.flatnet("CHECK", host: "hA", container: "cA1", config: withPrevious, arguments: pod).status == 0)
        let added = try Self.lines(log)
        #expect(added.map { $0["verb"]?.stringValue } == ["ADD", "CHECK"])
        let line = try #require(added.first)
        #expect(line["code"] == 0 && line["containerID"] == "cA1" && line["pod"] == "payments/ledger-0")
        #expect(line["addresses"] == .array([.string(address + "/16")]))
        let mac = try topology.ip("cA1", "-br", "link", "show", "eth0").split(separator: " ", omittingEmptySubsequences: true)[2]
        #expect(line["mac"]?.stringValue == String(mac))
        let hostVeth = try #require(line["hostVeth"]?.stringValue)
        #expect(try topology.ip("hA", "-br", "link", "show", hostVeth).contains(hostVeth))

        let held = try topology.operatorCommand(host: "hA", "who", address, "--log", log)
        #expect(held.status == 0 && held.stdout.contains("container cA1 ifname eth0 (pod payments/ledger-0)"), "\(held.stdout)")
        let conf = try topology.write(config, as: "flat-a.conf")
        let withLease = try topology.operatorCommand(host: "hA", "who", address, "--conf", conf, "--json")
        let answer = try JSONValue.parse(withLease.stdout)
        #expect(answer["lease"]?["containerID"] == "cA1" && answer["found"] == true, "\(withLease.stdout)")

        #expect(try topology.flatnet("DEL", host: "hA", container: "cA1", config: config, arguments: pod).status == 0)
        let deleted = try #require(try Self.lines(log).last)
        #expect(deleted["verb"] == "DEL" && deleted["code"] == 0 && deleted["hostVeth"]?.stringValue == hostVeth)
        let before = try #require(line["time"]?.stringValue.flatMap(AuditTime.parse))
        let during = AuditTime(millisecondsSinceEpoch: before.millisecondsSinceEpoch + 1)
        let then = try topology.operatorCommand(host: "hA", "who", address, "--conf", conf, "--at", during.rfc3339)
        #expect(then.status == 0 && then.stdout.contains("(DEL)"), "\(then.stdout)")
        let now = try topology.operatorCommand(host: "hA", "who", address, "--conf", conf)
        #expect(now.status == 1 && now.stdout.contains("no one: no container held it then"), "\(now.stdout)")
        let earlier = AuditTime(millisecondsSinceEpoch: before.millisecondsSinceEpoch - 60_000).rfc3339
        let unknown = try topology.operatorCommand(host: "hA", "who", address, "--log", log, "--at", earlier)
        #expect(unknown.status == 1 && unknown.stdout.contains("unknown: the log starts at"), "\(unknown.stdout)")
    }

    @Test("operator releases (ipam release, ipam gc, teardown --force) are logged with who ran them; who sees them end")
    func operatorReleases() throws {
        let topology = try Topology()
        let log = topology.stateDirectory + "/audit.log"
        let config = topology.flatA(host: "hA").setting("logFile", to: .string(log))
        let conf = try topology.write(config, as: "flat-a.json")
        var addresses: [String: String] = [:]
        for name in ["c1", "c2", "c3"] {
            _ = try topology.container(name)
            let add = try topology.flatnet("ADD", host: "hA", container: name, config: config)
            addresses[name] = try #require(add.address, "\(add.outcome.stdout)")
        }
        let c1 = try #require(addresses["c1"])
        let dryRun = try topology.operatorCommand(host: "hA", "ipam", "release", "--conf", conf, "--address", c1,
                                                  "--dry-run")
        #expect(try dryRun.status == 0 && Self.lines(log).count == 3, "a dry run writes no line")
        #expect(try topology.operatorCommand(host: "hA", "ipam", "release", "--conf", conf, "--address", c1).status == 0)
        try topology.deleteNamespaceWithoutDEL("c2", host: "hA", network: "flat-a")
        #expect(try topology.operatorCommand(host: "hA", "ipam", "gc", "--conf", conf).status == 0)
        let teardown = try topology.operatorCommand(host: "hA", "teardown", "--conf", conf, "--force")
        #expect(teardown.status == 0, "\(teardown.stdout) \(teardown.stderr)")
        let released = try Self.lines(log).dropFirst(3)
        #expect(released.map { $0["verb"]?.stringValue } == ["ipam release", "ipam gc", "teardown"], "\(released)")
        for (line, name) in zip(released, ["c1", "c2", "c3"]) {
            #expect(line["containerID"]?.stringValue == name && line["operator"] == "uid 0" && line["code"] == 0)
            #expect(line["addresses"] == .array([.string(addresses[name] ?? "")]), "\(line)")
        }
        for (name, verb) in [("c1", "ipam release"), ("c2", "ipam gc"), ("c3", "teardown")] {
            let who = try topology.operatorCommand(host: "hA", "who", addresses[name] ?? "", "--conf", conf)
            #expect(who.status == 1 && who.stdout.contains("no one"), "\(who.stdout)")
            let added = try #require(try Self.lines(log).first { $0["containerID"]?.stringValue == name })
            let at = try #require(added["time"]?.stringValue)
            let then = try topology.operatorCommand(host: "hA", "who", addresses[name] ?? "", "--conf", conf, "--at", at)
            #expect(then.status == 0 && then.stdout.contains("(flatnet \(verb))"), "\(then.stdout)")
        }
    }

    @Test("a logFile that is not an audit log (another file, a FIFO) is refused and left as it was; the call goes on")
    func foreignLogFile() throws {
        let topology = try Topology()
        let foreign = topology.stateDirectory + "/passwd"
        let content = "root:x:0:0:root:/root:/bin/bash\n" + String(repeating: "daemon:x:1:1::/:/bin/sh\n", count: 300)
        try FileManager.default.createDirectory(atPath: topology.stateDirectory, withIntermediateDirectories: true)
        try content.write(toFile: foreign, atomically: true, encoding: .utf8)
        let config = topology.flatA(host: "hA").setting("logFile", to: .string(foreign))
            .setting("logMaxBytes", to: 4096).setting("logKeep", to: 1)
        let status = try topology.flatnet("STATUS", host: "hA", container: "", config: config)
        #expect(status.status == 0, "\(status.outcome.stdout)")
        #expect(status.outcome.stderr.contains("audit log \(foreign) not written: \(foreign) is refused"),
                "\(status.outcome.stderr)")
        #expect(try String(contentsOfFile: foreign, encoding: .utf8) == content)
        #expect(!FileManager.default.fileExists(atPath: foreign + ".1"), "nothing rotated away")

        let fifo = topology.stateDirectory + "/fifo"
        #expect(try ProcessRunner.run(["/usr/bin/mkfifo", fifo]).status == 0)
        let guarded = try ProcessRunner.run(["/usr/bin/timeout", "60", "/usr/sbin/ip", "netns", "exec",
                                             topology.namespace("hA"), TestHost.binary ?? ""],
                                            environment: ["CNI_COMMAND": "STATUS", "CNI_PATH": "/usr/lib/cni"],
                                            stdin: topology.flatA(host: "hA").setting("logFile", to: .string(fifo))
                                                .serialized())
        #expect(guarded.status == 0 && guarded.stderr.contains("not a regular file"), "\(guarded.status) \(guarded.stderr)")
    }

    @Test("a line cut short (a full disk) does not swallow the next one")
    func cutShortLine() throws {
        let topology = try Topology()
        let log = topology.stateDirectory + "/audit.log"
        try FileManager.default.createDirectory(atPath: topology.stateDirectory, withIntermediateDirectories: true)
        try #"{"time":"2026-12-03T10:00:00.000Z","verb":"ADD","netw"#.write(toFile: log, atomically: true, encoding: .utf8)
        let config = topology.flatA(host: "hA").setting("logFile", to: .string(log))
        #expect(try topology.flatnet("STATUS", host: "hA", container: "", config: config).status == 0)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2 && (try? JSONValue.parse(String(lines[1])))?["verb"] == "STATUS", "\(lines)")
    }

    @Test("a failed call is logged with its code; a log that cannot be written fails nothing and says so on stderr")
    func failuresAndUnwritableLog() throws {
        let topology = try Topology()
        _ = try topology.container("cA1")
        let log = topology.stateDirectory + "/audit.log"
        let refused = topology.flatA(host: "hA").setting("logFile", to: .string(log)).setting("mtu", to: .number(9))
        #expect(try topology.flatnet("ADD", host: "hA", container: "cA1", config: refused).code == 7)
        let line = try #require(try Self.lines(log).first)
        #expect(line["code"] == 7 && line["message"]?.stringValue?.contains("mtu") == true, "\(line)")

        let blocker = topology.stateDirectory + "/not-a-directory"
        try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
        let unwritable = topology.flatA(host: "hA").setting("logFile", to: .string(blocker + "/audit.log"))
        let add = try topology.flatnet("ADD", host: "hA", container: "cA1", config: unwritable)
        #expect(add.status == 0 && add.address != nil, "\(add.outcome.stdout)")
        #expect(add.outcome.stderr.contains("audit log \(blocker)/audit.log not written"), "\(add.outcome.stderr)")
    }

    @Test("8 writers at once, rotating every few lines: every line arrives once, whole, and old files are capped")
    func concurrentWritersWithRotation() throws {
        let directory = NSTemporaryDirectory() + "flatnet-audit-" + ProcessRunner.uniqueSuffix()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = directory + "/audit.log"
        let (writers, calls) = (8, 50)
        // A netconf the dispatcher refuses (mtu 9): each call writes its line and changes nothing.
        let config = JSONValue.object([
            "cniVersion": "1.1.0", "name": "flat-audit", "type": "flatnet", "mtu": 9, "logFile": .string(log),
            "logMaxBytes": 4096, "logKeep": 100,
            "ipam": .object(["type": "flatnet-ipam", "subnet": "10.43.0.0/16",
                             "ranges": .array([.object(["rangeStart": "10.43.1.2", "rangeEnd": "10.43.1.9"])])]),
        ]).serialized()
        let script = """
            for w in $(seq \(writers)); do
              (for s in $(seq \(calls)); do
                 printf '%s' "$CONFIG" | CNI_COMMAND=ADD CNI_CONTAINERID=w$w-s$s CNI_NETNS=/run/netns/none \
                   CNI_IFNAME=eth0 CNI_PATH=/opt/cni/bin "$BINARY" >/dev/null
               done) &
            done
            wait
            """
        let run = try ProcessRunner.run(["/bin/bash", "-c", script],
                                        environment: ["CONFIG": config, "BINARY": TestHost.binary ?? "",
                                                      "PATH": "/usr/bin:/bin"])
        #expect(run.status == 0, "\(run.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("audit.log") }
        #expect(files.count > 10, "rotated: \(files.sorted())")
        var seen: [String: Int] = [:]
        for file in files where !file.hasSuffix(".lock") {
            for line in try Self.lines(directory + "/" + file) {
                #expect(line["code"] == 7)
                seen[line["containerID"]?.stringValue ?? "?", default: 0] += 1
            }
        }
        let expected = Set((1...writers).flatMap { w in (1...calls).map { "w\(w)-s\($0)" } })
        #expect(Set(seen.keys) == expected && seen.values.allSatisfy { $0 == 1 },
                "\(seen.count) distinct of \(expected.count); repeated: \(seen.filter { $0.value > 1 }.keys.sorted())")

        // With logKeep 2 (a fresh file), only the live file and two rotated ones remain.
        try FileManager.default.removeItem(atPath: directory)
        let kept = config.replacingOccurrences(of: "\"logKeep\":100", with: "\"logKeep\":2")
        let capped = try ProcessRunner.run(["/bin/bash", "-c", script],
                                           environment: ["CONFIG": kept, "BINARY": TestHost.binary ?? "",
                                                         "PATH": "/usr/bin:/bin"])
        #expect(capped.status == 0)
        let remaining = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasPrefix("audit.log") && !$0.hasSuffix(".lock") }
        #expect(remaining.sorted() == ["audit.log", "audit.log.1", "audit.log.2"], "\(remaining.sorted())")
    }
}

/// `logSyslog`: the same line reaches the local syslog socket.
@Suite("Audit log to syslog (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"))
struct AuditSyslogTests {
    /// Runs the bash `script` with DIR (a fresh directory), CONFIG (flat-a on hostA, logging
    /// to syslog only), HOST, BINARY and CNI_COMMAND=STATUS in its environment.
    static func run(_ script: String) throws -> (ProcessOutcome, String, Topology) {
        let topology = try Topology()
        let directory = topology.stateDirectory + "/syslog"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = topology.flatA(host: "hA").setting("logFile", to: "").setting("logSyslog", to: true)
        let outcome = try ProcessRunner.run(["/bin/bash", "-c", script], environment: [
            "DIR": directory, "CONFIG": config.serialized(), "HOST": topology.namespace("hA"),
            "BINARY": TestHost.binary ?? "", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "CNI_COMMAND": "STATUS", "CNI_PATH": "/usr/lib/cni",
        ])
        return (outcome, directory, topology)
    }

    @Test("with logSyslog true and logFile \"\", one datagram on /dev/log carries the line, tagged flatnet")
    func syslogLine() throws {
        // A private /dev (this machine has no syslog daemon): /dev/log is the test's socket.
        // The receiver is ready before the plugin runs (it binds, then prints "ready").
        let script = """
            python3 -c '
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(60)
            print("ready", flush=True); sys.stdout.write(s.recv(65536).decode()); sys.stdout.flush()
            ' "$DIR/log" > "$DIR/received" &
            until grep -q ready "$DIR/received" 2>/dev/null; do sleep 0.05; done
            printf '%s' "$CONFIG" | unshare --mount sh -c 'mount -t tmpfs tmpfs /dev && ln -s "$DIR/log" /dev/log \
              && exec ip netns exec "$HOST" "$BINARY"'
            echo "status $?"
            wait
            """
        let (run, directory, topology) = try Self.run(script)
        defer { withExtendedLifetime(topology) {} }  // its namespaces and files, until the end
        #expect(run.stdout.contains("status 0"), "\(run.stdout) \(run.stderr)")
        let received = try String(contentsOfFile: directory + "/received", encoding: .utf8)
        let datagram = try #require(received.split(separator: "\n", maxSplits: 1).last.map(String.init))
        #expect(datagram.hasPrefix("<30>"), "facility daemon (3), severity info (6): \(datagram)")
        #expect(datagram.hasPrefix("<30>flatnet["), "\(datagram)")
        let json = try #require(datagram.firstIndex(of: "{").map { String(datagram[$0...]) })
        let line = try JSONValue.parse(json)
        #expect(line["verb"] == "STATUS" && line["network"] == "flat-a" && line["code"] == 0, "\(json)")
    }

    @Test("a syslog daemon that stopped reading never holds up a call: the line is dropped, said on stderr")
    func syslogNotReading() throws {
        // The socket is bound and never read: its queue fills after a few datagrams. Each
        // call runs under `timeout` (a hang guard, not a time assertion): 124 is a hang.
        let script = """
            python3 -c '
            import socket, sys, time
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
            print("ready", flush=True); time.sleep(600)
            ' "$DIR/log" > "$DIR/ready" &
            receiver=$!
            until grep -q ready "$DIR/ready" 2>/dev/null; do sleep 0.05; done
            for call in $(seq 40); do
              printf '%s' "$CONFIG" | timeout 30 unshare --mount sh -c 'mount -t tmpfs tmpfs /dev \
                && ln -s "$DIR/log" /dev/log && exec ip netns exec "$HOST" "$BINARY"' 2>>"$DIR/stderr"
              echo "status $?"
            done
            kill $receiver
            """
        let (run, directory, topology) = try Self.run(script)
        defer { withExtendedLifetime(topology) {} }  // its namespaces and files, until the end
        let statuses = run.stdout.split(separator: "\n").filter { $0.hasPrefix("status ") }
        #expect(statuses.count == 40 && statuses.allSatisfy { $0 == "status 0" }, "\(run.stdout) \(run.stderr)")
        let stderr = try String(contentsOfFile: directory + "/stderr", encoding: .utf8)
        #expect(stderr.contains("audit line not sent to syslog (/dev/log)"), "\(stderr)")
    }
}
