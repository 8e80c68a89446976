#include "cli/export_command.h"


#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli/siem_export.h"
#include "engine/scan.h"
#include "export/misp_event.h"
#include "export/ocsf_authentication.h"
#include "export/stix_bundle.h"
#include "ingest/reader.h"
#include "intel/hashing.h"
#include "intel/share_set.h"
#include "resolve/linkage_config.h"
#include "resolve/people_reader.h"
#include "store/store.h"

namespace impostor {

namespace {

// Counts rejects and names the first few on stderr.
class CountingRejects final : public RejectSink {
 public:
  void OnReject(const Reject& r) override {
    if (++count_ <= 5)
      std::fprintf(stderr, "impostor export: rejected %s:%llu: %s\n", r.file.c_str(),
                   static_cast<unsigned long long>(r.line), r.reason.c_str());
  }
  uint64_t count() const { return count_; }

 private:
  uint64_t count_ = 0;
};

// Writes `text` to `path` ("-" = stdout); an error names the path.
Status WriteAll(const std::string& path, const std::string& text) {
  if (path == "-") {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) return Status::IOError("cannot write to stdout");
    return Status::OK();
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return Status::IOError(path + ": cannot create: " + std::strerror(errno) + "; check the directory and permissions");
  }
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) return Status::IOError(path + ": cannot write: " + std::strerror(errno));
  return Status::OK();
}

// ---- ocsf-signins

struct SignInArgs {
  std::vector<std::string> inputs;
  std::string out = "-";
  std::string format;
};

void RunSignIns(const SignInArgs& a, CommandContext& ctx) {
  std::FILE* out = a.out == "-" ? stdout : std::fopen(a.out.c_str(), "wb");
  if (out == nullptr) {
    std::fprintf(stderr, "impostor export: %s: cannot create: %s\n", a.out.c_str(), std::strerror(errno));
    ctx.exit_code = kExitInputError;
    return;
  }
  CountingRejects rejects;
  ReadOptions ro;
  ro.format = a.format;
  OcsfOptions ocsf;
  std::string line;
  uint64_t written = 0;
  bool write_failed = false;
  for (const std::string& input : a.inputs) {
    ReadStats rs;
    Status st = ReadSignIns(
        input, ro,
        [&](SignIn&& s) {
          line.clear();
          AppendOcsfAuthentication(s, ocsf, &line);
          line.push_back('\n');
          write_failed |= std::fwrite(line.data(), 1, line.size(), out) != line.size();
          ++written;
        },
        rejects, &rs);
    if (!st.ok()) {
      std::fprintf(stderr, "impostor export: %s\n", st.message().c_str());
      ctx.exit_code = kExitInputSkipped;
    }
  }
  write_failed |= std::fflush(out) != 0;
  if (out != stdout) write_failed |= std::fclose(out) != 0;
  if (write_failed) {
    std::fprintf(stderr, "impostor export: %s: cannot write: %s\n", a.out.c_str(), std::strerror(errno));
    ctx.exit_code = kExitInputError;
    return;
  }
  if (ctx.stderr_is_tty || a.out != "-")
    std::fprintf(stderr, "impostor export: %llu sign-ins as OCSF Authentication to %s; %llu rejected\n",
                 static_cast<unsigned long long>(written), a.out == "-" ? "stdout" : a.out.c_str(),
                 static_cast<unsigned long long>(rejects.count()));
}

// ---- stix / misp

struct ShareArgs {
  std::string db = "impostor.db";
  std::string persona, finding_key;
  double min_risk = -1;
  std::string tlp = "amber";
  std::string producer = "impostor";
  std::string key_file;
  std::vector<std::string> people;
  std::string out = "-";
  std::string region = "US";
};

void RunShare(const ShareArgs& a, bool stix, CommandContext& ctx) {
  auto fail = [&](int code, const std::string& msg) {
    std::fprintf(stderr, "impostor export: %s\n", msg.c_str());
    ctx.exit_code = code;
  };
  if (!IsTlpLevel(a.tlp)) return fail(kExitUsage, "--tlp takes clear, green, amber, amber+strict or red, not '" + a.tlp + "'");
  HmacKey key;
  if (!a.key_file.empty()) {
    auto k = ReadHmacKeyFile(a.key_file);
    if (!k.ok()) return fail(kExitUsage, k.status().message());
    key = std::move(k).value();
  }
  std::vector<Person> people;
  if (!a.people.empty()) {
    CountingRejects rejects;
    LinkageConfig linkage = DefaultLinkageConfig();
    for (const std::string& file : a.people) {
      PeopleReadStats ps;
      Status st = ReadPeople(file, linkage, &people, rejects, &ps);
      if (!st.ok()) return fail(ExitCodeForUserError(st), st.message());
    }
  }
  auto store = OpenExistingStore(a.db);
  if (!store.ok()) return fail(kExitInputError, store.status().message());
  ShareSelection sel;
  sel.persona = a.persona;
  sel.finding_key = a.finding_key;
  sel.min_risk = a.min_risk;
  auto personas = LoadPersonas(**store);
  if (!personas.ok()) return fail(ExitCodeForUserError(personas.status()), personas.status().message());
  auto shared = SelectShared(**store, sel, *personas, people);
  if (!shared.ok()) return fail(ExitCodeForUserError(shared.status()), shared.status().message());
  if (!a.key_file.empty()) HashShared(*shared, key, a.region);
  Result<std::string> doc = Status::Internal("no format");
  if (stix) {
    StixOptions o;
    o.tlp = a.tlp;
    o.producer = a.producer;
    o.hmac_key_id = a.key_file.empty() ? "" : key.id;
    doc = StixBundleJson(*shared, o);
  } else {
    MispOptions o;
    o.tlp = a.tlp;
    o.producer = a.producer;
    o.hmac_key_id = a.key_file.empty() ? "" : key.id;
    doc = MispEventJson(*shared, o);
  }
  if (!doc.ok()) return fail(ExitCodeForUserError(doc.status()), doc.status().message());
  Status st = WriteAll(a.out, *doc);
  if (!st.ok()) return fail(kExitInputError, st.message());
  if (a.out != "-") {
    size_t values = 0;
    for (const SharedPersona& s : *shared)
      values += s.emails.size() + s.phones.size() + s.accounts.size() + s.ips.size() + s.names.size();
    std::fprintf(stderr, "impostor export: %zu persona(s), %zu identifier(s)%s as %s to %s (TLP:%s)\n", shared->size(),
                 values, a.key_file.empty() ? "" : (" pre-hashed with key " + key.id).c_str(), stix ? "STIX 2.1" : "MISP",
                 a.out.c_str(), a.tlp.c_str());
  }
}

void AddShareOptions(CLI::App* cmd, ShareArgs& a) {
  cmd->add_option("--db", a.db, "Store the scans wrote: a SQLite file or a postgresql://USER@HOST:PORT/DB URL")->capture_default_str();
  cmd->add_option("--persona", a.persona, "Share this persona (id from persona.reuse / risk.persona findings) or account");
  cmd->add_option("--case", a.finding_key, "Share the personas and accounts one finding names (its key, finding_info.uid)");
  cmd->add_option("--min-risk", a.min_risk, "Share every persona and account with a risk score of at least this (0-100)");
  cmd->add_option("--tlp", a.tlp, "TLP 2.0 marking: clear, green, amber, amber+strict or red")->capture_default_str();
  cmd->add_option("--producer", a.producer, "Name of the organisation that shares")->capture_default_str();
  cmd->add_option("--people", a.people,
                  "People records of the personas (CSV / JSON lines): adds their e-mail addresses, phones and national "
                  "ids, which the store does not keep");
  cmd->add_option("--hmac-key-file", a.key_file,
                  "Share HMAC-SHA256 digests of the normalised identifiers with this key instead of the values");
  cmd->add_option("--region", a.region, "Country of phones written without a country code (hashing)")->capture_default_str();
  cmd->add_option("--out,-o", a.out, "Output file (- = stdout)")->capture_default_str();
}

}  // namespace

void RegisterExportCommand(CLI::App& app, CommandContext& ctx) {
  CLI::App* cmd = app.add_subcommand("export", "Write sign-ins and personas in the formats SIEMs and partners take "
                                               "(OCSF Authentication, STIX 2.1, MISP, CEF, ECS)");
  cmd->require_subcommand(1);
  RegisterSiemExports(cmd, ctx);

  auto s = std::make_shared<SignInArgs>();
  CLI::App* signins = cmd->add_subcommand("ocsf-signins", "Sign-in logs as OCSF Authentication (class 3002) JSON lines");
  signins->add_option("inputs", s->inputs, "Sign-in logs in any format `impostor scan` reads; - for stdin")->required();
  signins->add_option("--out,-o", s->out, "Output file (- = stdout)")->capture_default_str();
  signins->add_option("--format,-f", s->format, "Force an input format instead of detecting it")
      ->check(CLI::IsMember(SignInFormats()));
  signins->footer(
      "Examples:\n"
      "  impostor export ocsf-signins --out signins.ocsf.jsonl entra/*.json okta/*.json.gz\n"
      "  az rest ... | impostor export ocsf-signins - | aws s3 cp - s3://lake/auth.jsonl\n"
      "\n"
      "Locations are those the logs carry (no GeoIP lookup). Malformed records are named on stderr and skipped.");
  signins->callback([s, &ctx] { RunSignIns(*s, ctx); });

  auto st = std::make_shared<ShareArgs>();
  CLI::App* stix = cmd->add_subcommand("stix", "Personas as a STIX 2.1 bundle: identity, threat-actor when confirmed, "
                                               "indicators, observed-data, relationships, TLP 2.0 marking");
  AddShareOptions(stix, *st);
  stix->footer(
      "Examples:\n"
      "  impostor export stix --persona P-3f2a91 --people people.csv --tlp amber --out persona.stix.json\n"
      "  impostor export stix --min-risk 80 --tlp green --out high-risk.stix.json\n"
      "  impostor export stix --case 'farm.colocation|ip:203.0.113.7' --out farm.stix.json\n"
      "  impostor export stix --persona P-3f2a91 --hmac-key-file shared.key --out hashed.stix.json\n"
      "\n"
      "Ids are UUIDv5 over the content and times come from the store, so exporting again updates\n"
      "the partner's objects instead of duplicating them.");
  stix->callback([st, &ctx] { RunShare(*st, true, ctx); });

  auto mp = std::make_shared<ShareArgs>();
  CLI::App* misp = cmd->add_subcommand("misp", "Personas as a MISP event: person, user-account, phone-number and "
                                               "ip-port objects");
  AddShareOptions(misp, *mp);
  misp->footer(
      "Examples:\n"
      "  impostor export misp --persona P-3f2a91 --people people.csv --out persona.misp.json\n"
      "  impostor export misp --min-risk 80 --tlp amber+strict --out high-risk.misp.json\n"
      "  curl -H 'Authorization: KEY' -d @persona.misp.json https://misp.example/events/add");
  misp->callback([mp, &ctx] { RunShare(*mp, false, ctx); });
}

}  // namespace impostor
