#include "cli/watchlist_command.h"


#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/json_writer.h"
#include "common/time.h"
#include "export/table.h"
#include "intel/hashing.h"
#include "intel/indicators.h"
#include "store/store.h"

namespace impostor {

namespace {

struct AddArgs {
  std::vector<std::string> files;
  std::string db = "impostor.db";
  std::string source;
  std::string key_file;
  std::string region = "US";
};

void RunAdd(const AddArgs& a, CommandContext& ctx) {
  auto fail = [&](int code, const std::string& msg) {
    std::fprintf(stderr, "impostor watchlist: %s\n", msg.c_str());
    ctx.exit_code = code;
  };
  HmacKey key;
  if (!a.key_file.empty()) {
    auto k = ReadHmacKeyFile(a.key_file);
    if (!k.ok()) return fail(kExitUsage, k.status().message());
    key = std::move(k).value();
  }
  ImportOptions options;
  options.source = a.source;
  options.default_region = a.region;
  options.key = a.key_file.empty() ? nullptr : &key;
  options.now_ms = WallClockMs();
  // Every file is parsed before anything is written: one malformed file imports nothing.
  std::vector<ImportResult> parsed;
  for (const std::string& file : a.files) {
    auto r = ReadWatchlistFile(file, options);
    if (!r.ok()) {
      return fail(r.status().code() == Status::Code::kNotFound ? kExitInputError : kExitUsage,
                  r.status().message() + " (fix the file or leave it out)");
    }
    parsed.push_back(std::move(r).value());
  }
  auto store = OpenStore(a.db);
  if (!store.ok()) return fail(kExitInputError, store.status().message());
  if (options.key) {
    Status st = (*store)->AddHmacKey(key.id, key.bytes);
    if (!st.ok()) return fail(kExitInputError, st.message());
  }
  for (size_t i = 0; i < a.files.size(); ++i) {
    size_t added = 0;
    Status st = (*store)->AddIndicators(parsed[i].indicators, &added);
    if (!st.ok()) return fail(kExitInputError, st.message());
    std::printf("%s: %s, %zu indicator(s), %zu new%s; %zu skipped\n", a.files[i].c_str(), parsed[i].format.c_str(),
                parsed[i].indicators.size(), added, options.key ? (", pre-hashed with key " + key.id).c_str() : "",
                parsed[i].skipped);
    for (const std::string& note : parsed[i].notes) std::printf("  skipped %s\n", note.c_str());
  }
}

void RunList(const std::string& db, bool json, CommandContext& ctx) {
  auto store = OpenExistingStore(db, "`impostor watchlist add --db " + db + " FILE` creates one");
  if (!store.ok()) {
    std::fprintf(stderr, "impostor watchlist: %s\n", store.status().message().c_str());
    ctx.exit_code = kExitInputError;
    return;
  }
  auto all = (*store)->QueryIndicators();
  if (!all.ok()) {
    std::fprintf(stderr, "impostor watchlist: %s\n", all.status().message().c_str());
    ctx.exit_code = kExitInputError;
    return;
  }
  if (json || !ctx.stdout_is_tty) {
    for (const SharedIndicator& i : *all) {
      std::string line;
      JsonWriter w(&line);
      w.BeginObject();
      w.Field("kind", i.kind);
      w.Field("value", i.value);
      w.Field("source", i.source);
      if (!i.label.empty()) w.Field("label", i.label);
      if (!i.reference.empty()) w.Field("reference", i.reference);
      if (!i.hmac_key_id.empty()) w.Field("hmac_key_id", i.hmac_key_id);
      w.Field("added", FormatIso8601(i.added_ms));
      w.EndObject();
      std::printf("%s\n", line.c_str());
    }
    return;
  }
  TextTable t({{"source"}, {"kind"}, {"value"}, {"label", Align::kLeft, true}, {"reference"}});
  for (const SharedIndicator& i : *all)
    t.AddRow({i.source, i.kind, i.hmac_key_id.empty() ? i.value : i.value.substr(0, 16) + "… (" + i.hmac_key_id + ")",
              i.label, i.reference});
  std::fputs(t.Render(TerminalWidth(STDOUT_FILENO), ctx.stdout_is_tty).c_str(), stdout);
  std::printf("%zu indicator(s)\n", all->size());
}

}  // namespace

void RegisterWatchlistCommand(CLI::App& app, CommandContext& ctx) {
  CLI::App* cmd = app.add_subcommand("watchlist", "Partners' shared indicators: scans flag matching people, accounts "
                                                  "and sign-ins as persona.known_indicator");
  cmd->require_subcommand(1);
  auto a = std::make_shared<AddArgs>();
  CLI::App* add = cmd->add_subcommand("add", "Import a STIX 2.1 bundle, a MISP event or a CSV (kind,value[,source])");
  add->add_option("files", a->files, "Watchlist files (.json STIX bundle or MISP event, .csv)")->required();
  add->add_option("--db", a->db, "Store: a SQLite file (created if missing) or a postgresql:// URL")->capture_default_str();
  add->add_option("--source", a->source,
                  "Who shared it (default: the bundle's producer identity, the MISP event's org, else the file name)");
  add->add_option("--hmac-key-file", a->key_file,
                  "The file holds HMAC-SHA256 digests of normalised values made with this shared key");
  add->add_option("--region", a->region, "Country of phones written without a country code")->capture_default_str();
  add->footer(
      "Examples:\n"
      "  impostor watchlist add --db impostor.db partner-a.stix.json\n"
      "  impostor watchlist add --source 'ISAC feed' personas.misp.json indicators.csv\n"
      "  impostor watchlist add --hmac-key-file shared.key hashed.stix.json\n"
      "  impostor scan --db impostor.db people.csv signins/*.json   matches raise persona.known_indicator\n"
      "\n"
      "CSV: one indicator a line, kind,value[,source]; kinds email, phone, name, ip, national_id, account;\n"
      "a header row 'kind,value,source' is optional. Values are normalised as persona resolution does\n"
      "(Gmail dots and +tags, E.164 phones, folded names). A malformed file is rejected whole, naming the\n"
      "object (or line) and the reason; nothing of it is imported.");
  add->callback([a, &ctx] { RunAdd(*a, ctx); });

  auto db = std::make_shared<std::string>("impostor.db");
  auto json = std::make_shared<bool>(false);
  CLI::App* list = cmd->add_subcommand("list", "Show the indicators the store holds");
  list->add_option("--db", *db, "Store: a SQLite file or a postgresql:// URL")->capture_default_str();
  list->add_flag("--json", *json, "One JSON object per indicator");
  list->footer("Examples:\n  impostor watchlist list\n  impostor watchlist list --json | jq -r .value");
  list->callback([db, json, &ctx] { RunList(*db, *json, ctx); });
}

}  // namespace impostor
