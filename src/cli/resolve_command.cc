#include "cli/resolve_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "resolve/linkage_config.h"
#include "resolve/people_reader.h"
#include "resolve/persona_detectors.h"
#include "resolve/persona_ids.h"
#include "resolve/persona_json.h"
#include "resolve/resolver.h"

namespace impostor {
namespace {

struct ResolveOptions {
  std::string config_path;
  std::string out_path = "-";
  std::string ids_path;
  std::vector<std::string> inputs;
  bool all = false;
};

class StderrRejects : public RejectSink {
 public:
  void OnReject(const Reject& r) override {
    if (++count_ <= 20) std::fprintf(stderr, "rejected %s:%llu: %s\n", r.file.c_str(), (unsigned long long)r.line, r.reason.c_str());
  }
  uint64_t count_ = 0;
};

int RunResolve(const ResolveOptions& opt, const CommandContext& ctx) {
  LinkageConfig config = DefaultLinkageConfig();
  if (!opt.config_path.empty()) {
    Result<LinkageConfig> loaded = LoadLinkageConfig(opt.config_path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "impostor resolve: %s\n", loaded.status().ToString().c_str());
      return kExitUsage;
    }
    config = std::move(loaded).value();
  }
  if (config.catalog_dir.empty() && !ctx.data_dir.empty()) config.catalog_dir = ctx.data_dir + "/catalog";
  std::vector<Person> people;
  StderrRejects rejects;
  PeopleReadStats stats;
  for (const std::string& input : opt.inputs) {
    if (ctx.stderr_is_tty) std::fprintf(stderr, "reading %s ...\r", input.c_str());
    Status st = ReadPeople(input, config, &people, rejects, &stats);
    if (!st.ok()) {
      std::fprintf(stderr, "impostor resolve: %s\n", st.ToString().c_str());
      return kExitInputError;
    }
  }
  if (ctx.stderr_is_tty) std::fprintf(stderr, "resolving %zu records ...        \r", people.size());
  Result<ResolutionResult> result = ResolvePeople(people, config);
  if (!result.ok()) {
    std::fprintf(stderr, "impostor resolve: %s\n", result.status().ToString().c_str());
    return result.status().code() == Status::Code::kInvalidArgument ? kExitUsage : kExitInternal;
  }
  if (!opt.ids_path.empty()) {
    Result<PersonaIdMap> ids = PersonaIdMap::Load(opt.ids_path);
    if (!ids.ok()) {
      std::fprintf(stderr, "impostor resolve: %s\n", ids.status().ToString().c_str());
      return kExitInputError;
    }
    ids->Assign(*result);
    Status st = ids->Save(opt.ids_path);
    if (!st.ok()) {
      std::fprintf(stderr, "impostor resolve: %s\n", st.ToString().c_str());
      return kExitInputError;
    }
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (opt.out_path != "-") {
    file.open(opt.out_path, std::ios::trunc);
    if (!file) {
      std::fprintf(stderr, "impostor resolve: cannot write %s\n", opt.out_path.c_str());
      return kExitInputError;
    }
    out = &file;
  }
  const size_t written = WritePersonasJsonLines(*result, *out, opt.all ? 1 : 2);
  const auto& s = result->stats;
  std::fprintf(stderr,
               "%llu records (%llu rejected), %llu candidate pairs, %llu links, %llu personas (%zu with several "
               "records written), %zu generic values\n",
               (unsigned long long)s.records, (unsigned long long)stats.rejected,
               (unsigned long long)s.candidate_pairs, (unsigned long long)s.links, (unsigned long long)s.personas,
               written, result->generic_values.size());
  return kExitOk;
}

}  // namespace

void RegisterResolveCommand(CLI::App& app, CommandContext& ctx) {
  auto opt = std::make_shared<ResolveOptions>();
  CLI::App* cmd = app.add_subcommand("resolve", "Link people records into personas (entity resolution)");
  cmd->footer(
      "Reads CSV or JSON-lines people records (default columns: record_id, source, org, user, full_name,\n"
      "given_name, family_name, email, phone, address, city, region, postcode, country, ship_to, dob,\n"
      "national_id, bank_account, payout, photo, github, linkedin, hired, ended, timezone, referrer) and\n"
      "writes one JSON line per persona: members, shared identifiers, and every link with its\n"
      "comparisons, levels and weights.\n\n"
      "Examples:\n"
      "  impostor resolve hr.csv payroll.csv ats.jsonl\n"
      "  impostor resolve --config config/linkage/febrl.yaml --out personas.jsonl dataset3.csv\n"
      "  impostor resolve --ids personas.tsv --out today.jsonl people.csv   # persona ids stable across runs\n");
  cmd->add_option("--config", opt->config_path, "Linkage config (YAML); default: the built-in people config");
  cmd->add_option("--out", opt->out_path, "Output file for persona JSON lines ('-' = stdout)");
  cmd->add_option("--ids", opt->ids_path, "Persona id map (TSV) read and updated so ids stay stable across runs");
  cmd->add_flag("--all", opt->all, "Also write single-record personas");
  cmd->add_option("PEOPLE", opt->inputs, "People files (CSV or JSON lines; '-' = stdin)")->required();
  cmd->callback([opt, &ctx] { ctx.exit_code = RunResolve(*opt, ctx); });
}

}  // namespace impostor
