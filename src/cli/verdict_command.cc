#include "cli/verdict_command.h"


#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "common/time.h"
#include "store/store.h"
#include "store/team_store.h"

namespace impostor {

namespace {

struct VerdictArgs {
  std::string kind;               // confirmed | dismissed
  std::vector<std::string> keys;  // finding keys
  std::string db = "impostor.db";
  std::string entity, detector;   // or: every finding on this entity (of this detector)
  std::string analyst, note;
};

std::string DefaultAnalyst() {
  const char* user = std::getenv("USER");
  return user != nullptr ? user : "";
}

void RunVerdict(const VerdictArgs& a, CommandContext& ctx) {
  auto fail = [&](int code, const std::string& msg) {
    std::fprintf(stderr, "impostor verdict: %s\n", msg.c_str());
    ctx.exit_code = code;
  };
  VerdictKind kind;
  if (!ParseVerdictKind(a.kind, &kind)) return fail(kExitUsage, "the verdict is 'confirmed' or 'dismissed', not '" + a.kind + "'");
  if (a.keys.empty() && a.entity.empty()) {
    return fail(kExitUsage, "name the findings: their keys (finding_info.uid in `impostor findings --json`) or --entity");
  }
  auto store = OpenExistingStore(a.db);
  if (!store.ok()) return fail(kExitInputError, store.status().message());

  std::vector<std::string> keys = a.keys;
  if (!a.entity.empty()) {
    FindingQuery q;
    q.entity = a.entity;
    q.detector = a.detector;
    auto found = (*store)->QueryFindings(q);
    if (!found.ok()) return fail(kExitInputError, found.status().ToString());
    if (found->empty()) {
      return fail(kExitInputError, "no finding on " + a.entity + (a.detector.empty() ? "" : " from " + a.detector) +
                                       " in " + StoreName(a.db) + "; `impostor findings --entity " + a.entity + "` lists them");
    }
    for (const Finding& f : *found) keys.push_back(f.key);
  }
  const TimeMs now = WallClockMs();
  std::vector<Verdict> verdicts;
  const std::string analyst = a.analyst.empty() ? DefaultAnalyst() : a.analyst;
  for (const std::string& key : keys) {
    Verdict v;
    v.finding_key = key;
    v.kind = kind;
    v.analyst = analyst;
    v.note = a.note;
    v.time_ms = now;
    verdicts.push_back(std::move(v));
  }
  // One transaction with an audit entry per verdict: nothing is recorded unless
  // every key is known.
  Status st = RecordVerdictsAudited(**store, verdicts, {"cli:" + analyst, "cli"});
  if (!st.ok()) {
    return fail(st.code() == Status::Code::kNotFound ? kExitUsage : kExitInputError,
                st.ToString() + " (nothing recorded; `impostor findings --json` shows the keys)");
  }
  for (const std::string& key : keys) std::printf("%s\t%s\n", VerdictKindName(kind), key.c_str());
  if (ctx.stderr_is_tty) {
    std::fprintf(stderr, "impostor verdict: recorded %zu verdict%s in %s; `impostor train --store %s` learns from them\n",
                 keys.size(), keys.size() == 1 ? "" : "s", StoreName(a.db).c_str(), StoreName(a.db).c_str());
  }
}

}  // namespace

void RegisterVerdictCommand(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<VerdictArgs>();
  CLI::App* cmd = app.add_subcommand("verdict", "Record an analyst verdict (confirmed fraud or dismissed) on findings");
  cmd->add_option("verdict", a->kind, "confirmed | dismissed")->required();
  cmd->add_option("keys", a->keys, "Finding keys (finding_info.uid of `impostor findings --json`)");
  cmd->add_option("--entity", a->entity, "Every finding on this account, device, persona or cluster");
  cmd->add_option("--detector", a->detector, "With --entity: only this detector's findings");
  cmd->add_option("--db", a->db, "Store: a SQLite file or a postgresql:// URL")->capture_default_str();
  cmd->add_option("--analyst", a->analyst, "Who judged (default: $USER)");
  cmd->add_option("--note", a->note, "Why, in a sentence");
  cmd->footer(
      "Examples:\n"
      "  impostor verdict confirmed --entity bob@contoso.com --detector risk.account --note 'KVM found on site visit'\n"
      "  impostor verdict dismissed 'signin.impossible_travel|alice@contoso.com' --note 'corporate VPN'\n"
      "  impostor train --world w1/ --store impostor.db --validation v/ --out retrained.json\n"
      "\n"
      "A confirmed finding labels the accounts it names as fraud when the model is retrained; a dismissed one\n"
      "labels them legitimate unless another finding on them is confirmed. The latest verdict on a finding counts.");
  cmd->callback([a, &ctx] { RunVerdict(*a, ctx); });
}

}  // namespace impostor
