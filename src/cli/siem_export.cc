#include "cli/siem_export.h"


#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "common/time.h"
#include "export/cef.h"
#include "export/ecs.h"
#include "export/finding_facts.h"
#include "export/ocsf_context.h"
#include "export/syslog_sender.h"
#include "store/store.h"

namespace impostor {

namespace {

struct SiemArgs {
  std::string db = "impostor.db";
  std::string detector, entity, min_severity, finding_key;
  double min_risk = -1;
  size_t limit = 0;
  std::string out = "-";
  std::string syslog;
  int facility = 10;
  std::string framing = "octet";
  std::string ca_file, cert_file, key_file, hostname;
  bool insecure = false;
  size_t max_bytes = 0;
  int timeout_ms = 5000;
};

void Run(const SiemArgs& a, bool cef, CommandContext& ctx) {
  auto fail = [&](int code, const std::string& msg) {
    std::fprintf(stderr, "impostor export: %s\n", msg.c_str());
    ctx.exit_code = code;
  };
  FindingQuery q;
  q.detector = a.detector;
  q.entity = a.entity;
  if (!a.min_severity.empty()) {
    q.min_severity = SeverityFromName(a.min_severity);
    if (q.min_severity == Severity::kUnknown)
      return fail(kExitUsage, "--min-severity takes info, low, medium, high or critical, not '" + a.min_severity + "'");
  }
  if (a.facility < 0 || a.facility > 23) return fail(kExitUsage, "--facility takes 0-23 (10 authpriv, 13 log audit, 16-23 local0-7)");
  auto store = OpenExistingStore(a.db);
  if (!store.ok()) return fail(kExitInputError, store.status().message());
  std::vector<Finding> found;
  if (!a.finding_key.empty()) {
    auto f = (*store)->GetFinding(a.finding_key);
    if (!f.ok()) return fail(kExitUsage, "no finding with key '" + a.finding_key + "'; list them with 'impostor findings --json'");
    found.push_back(std::move(f).value());
  } else {
    auto all = (*store)->QueryFindings(q);
    if (!all.ok()) return fail(kExitInputError, all.status().message());
    found = std::move(all).value();
  }
  if (a.min_risk >= 0) {
    std::vector<Finding> kept;
    for (Finding& f : found)
      if (ExtractFindingFacts(f).risk_score >= a.min_risk) kept.push_back(std::move(f));
    found = std::move(kept);
  }
  if (a.limit > 0 && found.size() > a.limit) found.resize(a.limit);

  OcsfContext context;
  context.LearnTenants(found);
  if (Status st = context.LoadFromStore(**store, found); !st.ok()) return fail(kExitInputError, st.message());

  std::unique_ptr<SyslogSender> sender;
  SyslogHeader header;
  header.facility = a.facility;
  header.hostname = a.hostname;
  size_t max_line = a.max_bytes > 0 ? a.max_bytes : 8192;
  if (!a.syslog.empty()) {
    auto target = ParseSyslogUrl(a.syslog);
    if (!target.ok()) return fail(kExitUsage, target.status().message());
    if (a.framing != "octet" && a.framing != "lf") return fail(kExitUsage, "--framing takes octet or lf");
    target->octet_counting = a.framing == "octet";
    target->ca_file = a.ca_file;
    target->cert_file = a.cert_file;
    target->key_file = a.key_file;
    target->insecure = a.insecure;
    target->timeout_ms = a.timeout_ms;
    target->max_message_bytes = a.max_bytes;
    if (a.insecure && target->transport == SyslogTransport::kTls)
      std::fprintf(stderr, "impostor export: warning: --tls-insecure: the collector's certificate is not verified\n");
    auto opened = SyslogSender::Open(*target);
    if (!opened.ok()) return fail(kExitInputError, opened.status().message());
    sender = std::move(opened).value();
    // Room for the RFC 5424 header (PRI, time, host, app, pid, msgid, origin SD).
    const size_t header_room = 160 + header.hostname.size() + (header.hostname.empty() ? 255 : 0);
    max_line = sender->max_message_bytes() > header_room ? sender->max_message_bytes() - header_room : 256;
  }

  std::FILE* out = nullptr;
  if (!sender) {
    out = a.out == "-" ? stdout : std::fopen(a.out.c_str(), "wb");
    if (out == nullptr)
      return fail(kExitInputError, a.out + ": cannot create: " + std::strerror(errno) + "; check the directory and permissions");
  }
  CefOptions co;
  co.context = &context;
  co.max_bytes = max_line;
  EcsOptions eo;
  eo.context = &context;
  uint64_t written = 0, too_long = 0;
  bool write_failed = false;
  const TimeMs now = WallClockMs();
  for (const Finding& f : found) {
    std::string line = cef ? CefLine(f, co) : EcsDocument(f, eo);
    if (sender) {
      if (!cef && line.size() > max_line) {  // a JSON document cannot be cut; name it and go on
        if (++too_long <= 5)
          std::fprintf(stderr, "impostor export: %s: ECS document of %zu bytes exceeds --max-bytes; skipped\n", f.key.c_str(),
                       line.size());
        continue;
      }
      Status st = sender->Send(SyslogMessage(header, SyslogSeverity(f.severity), now, f.detector, line));
      if (!st.ok()) {
        fail(kExitInputError, st.message() + " (" + std::to_string(written) + " of " + std::to_string(found.size()) + " sent)");
        return;
      }
    } else {
      line.push_back('\n');
      write_failed |= std::fwrite(line.data(), 1, line.size(), out) != line.size();
    }
    ++written;
  }
  if (out != nullptr) {
    write_failed |= std::fflush(out) != 0;
    if (out != stdout) write_failed |= std::fclose(out) != 0;
    if (write_failed) return fail(kExitInputError, a.out + ": cannot write: " + std::strerror(errno));
  }
  // Close drains what the kernel still holds; an error there means messages were lost.
  if (sender) {
    if (Status st = sender->Close(); !st.ok()) return fail(kExitInputError, st.message());
  }
  if (too_long > 0) ctx.exit_code = kExitInputSkipped;
  if (ctx.stderr_is_tty || a.out != "-" || sender)
    std::fprintf(stderr, "impostor export: %llu finding(s) as %s to %s\n", static_cast<unsigned long long>(written),
                 cef ? "CEF" : "ECS", sender ? sender->name().c_str() : a.out == "-" ? "stdout" : a.out.c_str());
}

void AddOptions(CLI::App* cmd, SiemArgs& a) {
  cmd->add_option("--db", a.db, "Store the scans wrote: a SQLite file or a postgresql://USER@HOST:PORT/DB URL")->capture_default_str();
  cmd->add_option("--detector", a.detector, "Only this detector id");
  cmd->add_option("--entity", a.entity, "Only this account / device / cluster");
  cmd->add_option("--min-severity", a.min_severity, "info, low, medium, high or critical");
  cmd->add_option("--case", a.finding_key, "Only the finding with this key (finding_info.uid)");
  cmd->add_option("--min-risk", a.min_risk, "Only risk findings scored at least this (0-100)");
  cmd->add_option("--limit", a.limit, "At most this many, most severe first (0 = all)")->capture_default_str();
  cmd->add_option("--out,-o", a.out, "Output file (- = stdout); ignored with --syslog")->capture_default_str();
  cmd->add_option("--syslog", a.syslog, "Forward as RFC 5424 syslog instead: udp://host:port, tcp://host:port or "
                                        "tls://host:port (ports default to 514, TLS 6514)");
  cmd->add_option("--facility", a.facility, "Syslog facility 0-23 (10 authpriv, 13 log audit, 16-23 local0-7)")
      ->capture_default_str();
  cmd->add_option("--framing", a.framing, "TCP framing: octet (RFC 6587 octet counting) or lf (newline)")
      ->capture_default_str();
  cmd->add_option("--ca-file", a.ca_file, "TLS: PEM CA bundle that signed the collector's certificate (default: "
                                          "the system's CAs)");
  cmd->add_option("--tls-cert", a.cert_file, "TLS: client certificate (PEM) when the collector asks for one");
  cmd->add_option("--tls-key", a.key_file, "TLS: private key of --tls-cert (default: in the same file)");
  cmd->add_flag("--tls-insecure", a.insecure, "TLS: send without verifying the collector's certificate (tests only)");
  cmd->add_option("--hostname", a.hostname, "Syslog HOSTNAME field (default: this machine's name)");
  cmd->add_option("--max-bytes", a.max_bytes, "Longest syslog message or line (default: 2048 over UDP, 65536 "
                                              "over TCP/TLS, 8192 per CEF line in a file)");
  cmd->add_option("--timeout-ms", a.timeout_ms, "Connect and write timeout")->capture_default_str();
}

}  // namespace

void RegisterSiemExports(CLI::App* export_command, CommandContext& ctx) {
  auto c = std::make_shared<SiemArgs>();
  CLI::App* cef = export_command->add_subcommand(
      "cef", "Stored findings as ArcSight CEF lines (rev 25), to a file or over syslog (UDP, TCP, TLS)");
  AddOptions(cef, *c);
  cef->footer(
      "Examples:\n"
      "  impostor export cef --min-severity high --out findings.cef\n"
      "  impostor export cef --syslog udp://siem.example:514\n"
      "  impostor export cef --syslog tcp://10.0.0.5:514 --framing lf --facility 13\n"
      "  impostor export cef --syslog tls://siem.example:6514 --ca-file corp-ca.pem --detector farm.colocation\n"
      "\n"
      "The mapping of finding fields to CEF keys is in docs/cef.md. Over syslog each finding is one\n"
      "RFC 5424 message whose MSGID is the detector id and whose severity follows the finding's.");
  cef->callback([c, &ctx] { Run(*c, true, ctx); });

  auto e = std::make_shared<SiemArgs>();
  CLI::App* ecs = export_command->add_subcommand(
      "ecs", "Stored findings as Elastic Common Schema 8.11 JSON lines (event.kind alert), to a file or over syslog");
  AddOptions(ecs, *e);
  ecs->footer(
      "Examples:\n"
      "  impostor export ecs --out findings.ecs.jsonl\n"
      "  impostor export ecs --min-risk 80 | curl -H 'Content-Type: application/x-ndjson' ...\n"
      "  impostor export ecs --syslog tls://logstash.example:6514 --ca-file corp-ca.pem\n"
      "\n"
      "The ECS fields written and their types are in docs/ecs.md.");
  ecs->callback([e, &ctx] { Run(*e, false, ctx); });
}

}  // namespace impostor
