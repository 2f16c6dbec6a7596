// What the audit log adds to one plugin call, measured in-process on a release build
// (scripts/bench.sh runs it; README "Audit log"): flatnet's own steps after the backend,
// as main.swift runs them (build the line from the parsed stdin and the result, append
// it), timed one call at a time with CLOCK_MONOTONIC, logging to a file and with logging off. Prints one JSON
// object per case for scripts/bench.sh. Not part of the plugin.
//
// Usage: FlatnetBench DIRECTORY [CALLS [cold [off]]]   (DIRECTORY on the log's disk)
import FlatnetCore
import FlatnetSystem
import Glibc

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    StandardStreams.writeDiagnostic("usage: FlatnetBench DIRECTORY [CALLS]\n")
    exit(2)
}
let directory = arguments[1]
let calls = arguments.count > 2 ? Int(arguments[2]) ?? 2000 : 2000
/// `cold`: one call in a fresh process, after the work the plugin has done by then
/// (stdin parsed, the netconf read, the result serialized), as the plugin's own audit
/// step runs: scripts/bench.sh runs it many times.
let cold = arguments.count > 3 && arguments[3] == "cold"

/// A netconf and an ADD result of the sizes a runtime sends and flatnet prints.
func netconf(logFile: String) -> String {
    """
    {"cniVersion":"1.1.0","name":"flat-a","type":"flatnet","uplink":"eth1","mtu":1500,
     "metadata":{"reservedAddress":"10.43.0.2"},"logFile":"\(logFile)","logMaxBytes":1073741824,
     "ipam":{"type":"flatnet-ipam","subnet":"10.43.0.0/16","gateway":"10.43.0.1",
             "ranges":[{"rangeStart":"10.43.1.2","rangeEnd":"10.43.1.254"}],
             "routes":[{"dst":"0.0.0.0/0"}],"dataDir":"/var/lib/cni/flatnet"},
     "runtimeConfig":{"portMappings":[]},"args":{"cni":{"labels":[{"key":"app","value":"ledger"}]}}}
    """
}
let result = """
    {"cniVersion":"1.1.0","interfaces":[{"name":"fl7d306913c018f","mac":"46:1c:9a:0e:11:02"},
     {"name":"eth0","mac":"d2:6b:ed:c9:8c:c9","sandbox":"/run/netns/cni-5f3a9c0e"}],
     "ips":[{"address":"10.43.1.2/16","gateway":"10.43.0.1","interface":1}],
     "routes":[{"dst":"0.0.0.0/0","gw":"10.43.0.1"}],"dns":{}}
    """
let environment = [
    "CNI_COMMAND": "ADD", "CNI_CONTAINERID": "5f3a9c0e1d2b4c6a8e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d",
    "CNI_NETNS": "/run/netns/cni-5f3a9c0e", "CNI_IFNAME": "eth0", "CNI_PATH": "/opt/cni/bin",
    "CNI_ARGS": "IgnoreUnknown=1;K8S_POD_NAMESPACE=payments;K8S_POD_NAME=ledger-0;K8S_POD_UID=1f2e3d4c",
]

/// The median and 90th percentile, in microseconds, of `calls` timed audit steps.
func measure(_ label: String, logFile: String) -> String {
    let document = try? JSONValue.parse(Array(netconf(logFile: logFile).utf8))
    if cold, let document {
        _ = try? NetworkConfigParser.parse(document, cniVersion: CNIVersion(1, 1, 0))
        _ = (try? JSONValue.parse(Array(result.utf8)))?.serialized()
    }
    var samples: [Int] = []
    for _ in 0..<calls {
        let started = MonotonicClock.microseconds()
        AuditTrail.record(AuditRecord.Call(
            plugin: "flatnet", environment: environment, stdin: document,
            output: PluginOutput(stdout: result, exitStatus: 0), time: AuditTrail.now(), durationMicroseconds: 4321))
        samples.append(MonotonicClock.microseconds() - started)
    }
    samples.sort()
    return JSONValue.object([
        "name": .string(label), "calls": .number(Double(calls)),
        "median_us": .number(Double(samples[samples.count / 2])),
        "p90_us": .number(Double(samples[samples.count * 9 / 10])),
    ]).serialized()
}

if cold {
    // One case per process: the other would run warm after it.
    print(arguments.count > 4 && arguments[4] == "off"
          ? measure("audit step, logFile \"\" (off), cold", logFile: "")
          : measure("audit step, logFile on disk, cold", logFile: directory + "/audit.log"))
} else {
    print(measure("audit step, logFile on disk", logFile: directory + "/audit.log"))
    print(measure("audit step, logFile \"\" (off)", logFile: ""))
}
