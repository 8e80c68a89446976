#include "cli/serve_command.h"

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "common/json_writer.h"
#include "common/time.h"
#include "detect/registry.h"
#include "engine/scan.h"
#include "serve/api_server.h"
#include "serve/views.h"
#include "store/store.h"
#include "store/team_store.h"

namespace impostor {

namespace {

std::string CliActorName() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user != nullptr && *user ? user : "unknown");
}

Actor CliActor() { return {CliActorName(), "cli"}; }

// "HOST:PORT", "[::1]:PORT" or "PORT".
bool ParseListen(const std::string& listen, std::string* host, int* port) {
  std::string h = "127.0.0.1", p = listen;
  const size_t colon = listen.rfind(':');
  if (colon != std::string::npos) {
    h = listen.substr(0, colon);
    p = listen.substr(colon + 1);
    if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  }
  char* end = nullptr;
  const long v = std::strtol(p.c_str(), &end, 10);
  if (p.empty() || *end || v < 0 || v > 65535 || h.empty()) return false;
  *host = h;
  *port = static_cast<int>(v);
  return true;
}

struct ServeArgs {
  std::string db = "impostor.db";
  std::string listen = "127.0.0.1:8477";
  std::string tls_cert, tls_key;
  int threads = 16;
  bool access_log = false;
};

void RunServe(const ServeArgs& a, CommandContext& ctx) {
  auto fail = [&](int code, const std::string& msg) {
    std::fprintf(stderr, "impostor serve: %s\n", msg.c_str());
    ctx.exit_code = code;
  };
  ServeOptions o;
  if (!ParseListen(a.listen, &o.host, &o.port)) {
    return fail(kExitUsage, "--listen is HOST:PORT (e.g. 127.0.0.1:8477), not '" + a.listen + "'");
  }
  if (a.threads < 1 || a.threads > 256) return fail(kExitUsage, "--threads is 1 to 256");
  o.tls_cert = a.tls_cert;
  o.tls_key = a.tls_key;
  o.threads = a.threads;
  o.access_log = a.access_log;
  DetectorRegistry registry;
  RegisterAllDetectors(registry);
  o.detectors = registry.All();
  // The store must exist (a scan made it) and be of this version; each server
  // thread then opens its own connection.
  {
    auto first = OpenExistingStore(a.db);
    if (!first.ok()) return fail(kExitInputError, first.status().message());
  }
  const std::string db = a.db;
  ApiServer server(o, [db] { return OpenStore(db); });
  // SIGINT and SIGTERM stop the server cleanly: blocked here (the server's
  // threads inherit the mask) and taken by one thread that calls Stop().
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  Status st = server.Bind();
  if (!st.ok()) return fail(ExitCodeForUserError(st), st.message());
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.Stop();
  });
  const bool tls = !o.tls_cert.empty();
  std::fprintf(stderr, "impostor serve: %s://%s:%d/api/v1/ on %s (%d threads); Ctrl-C stops\n",
               tls ? "https" : "http", o.host.c_str(), server.port(), StoreName(a.db).c_str(), o.threads);
  st = server.Serve();
  // Wake the waiter if the server stopped by itself.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  if (!st.ok()) return fail(kExitInputError, st.message());
}

}  // namespace

void RegisterServeCommand(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the store over a REST API: findings, views, verdicts, cases, audit");
  cmd->add_option("--db", a->db, "Store: a SQLite file or a postgresql:// URL")->capture_default_str();
  cmd->add_option("--listen", a->listen, "HOST:PORT; beyond loopback only with --tls-cert/--tls-key")
      ->capture_default_str();
  cmd->add_option("--tls-cert", a->tls_cert, "Server certificate (PEM) for HTTPS");
  cmd->add_option("--tls-key", a->tls_key, "Its private key (PEM)");
  cmd->add_option("--threads", a->threads, "Request threads (each with its own store connection)")
      ->capture_default_str();
  cmd->add_flag("--access-log", a->access_log, "One line per request on stderr");
  cmd->footer(
      "Examples:\n"
      "  impostor token create --role analyst --name alice       the token is shown once\n"
      "  impostor serve --db impostor.db                         http://127.0.0.1:8477\n"
      "  curl -H \"Authorization: Bearer $TOKEN\" 'http://127.0.0.1:8477/api/v1/findings?severity=high&limit=20'\n"
      "  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8477/api/v1/accounts/bob@contoso.com\n"
      "  impostor serve --db postgresql://soc@db:5432/impostor --listen 0.0.0.0:8443 \\\n"
      "      --tls-cert server.pem --tls-key server.key\n"
      "\n"
      "Routes: GET /api/v1/openapi.json (docs/api.md). Every route but /healthz and the OpenAPI document needs\n"
      "a token; viewer reads, analyst records verdicts and works cases, admin manages tokens and reads the audit\n"
      "log. Listening beyond loopback without TLS is refused.");
  cmd->callback([a, &ctx] { RunServe(*a, ctx); });
}

void RegisterTokenCommand(CLI::App& app, CommandContext& ctx) {
  struct Args {
    std::string db = "impostor.db";
    std::string role = "viewer";
    std::string name;
    std::string id;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("token", "Create, list and revoke API tokens (impostor serve)");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n"
      "  impostor token create --role analyst --name alice@contoso.com\n"
      "  impostor token list\n"
      "  impostor token revoke 3f9a0c1d2e4b\n"
      "\n"
      "A token is shown once; the store keeps a salted SHA-256 hash of it. Every change is in the audit log.");
  auto fail = [&ctx](int code, const std::string& msg) {
    std::fprintf(stderr, "impostor token: %s\n", msg.c_str());
    ctx.exit_code = code;
  };
  CLI::App* create = cmd->add_subcommand("create", "Create a token and print it (once)");
  create->add_option("--role", a->role, "viewer | analyst | admin")->capture_default_str();
  create->add_option("--name", a->name, "Who or what uses it")->required();
  create->add_option("--db", a->db, "Store: a SQLite file or a postgresql:// URL")->capture_default_str();
  create->footer("Example:\n  impostor token create --role admin --name soc-lead");
  create->callback([a, fail] {
    Role role;
    if (!ParseRole(a->role, &role)) return fail(kExitUsage, "--role is viewer, analyst or admin, not '" + a->role + "'");
    auto store = OpenExistingStore(a->db);
    if (!store.ok()) return fail(kExitInputError, store.status().message());
    ApiToken t;
    auto secret = CreateToken(**store, a->name, role, CliActor(), &t);
    if (!secret.ok()) return fail(ExitCodeForUserError(secret.status()), secret.status().message());
    std::printf("%s\n", secret->c_str());
    std::fprintf(stderr, "impostor token: created %s token %s for %s; it is shown only now: keep it in a secret store\n",
                 RoleName(role), t.id.c_str(), t.name.c_str());
  });
  CLI::App* list = cmd->add_subcommand("list", "List tokens (never their secrets)");
  list->add_option("--db", a->db, "Store")->capture_default_str();
  list->add_flag("--json", a->json, "One JSON object per token");
  list->footer("Example:\n  impostor token list --json");
  list->callback([a, fail, &ctx] {
    auto store = OpenExistingStore(a->db);
    if (!store.ok()) return fail(kExitInputError, store.status().message());
    auto tokens = ListTokens(**store);
    if (!tokens.ok()) return fail(kExitInputError, tokens.status().message());
    if (a->json || !ctx.stdout_is_tty) {
      for (const ApiToken& t : *tokens) {
        std::string line;
        JsonWriter w(&line);
        WriteTokenJson(w, t);
        std::printf("%s\n", line.c_str());
      }
      return;
    }
    std::printf("%-12s  %-8s  %-24s  %-24s  %s\n", "ID", "ROLE", "CREATED", "REVOKED", "NAME");
    for (const ApiToken& t : *tokens) {
      std::printf("%-12s  %-8s  %-24s  %-24s  %s\n", t.id.c_str(), RoleName(t.role), FormatIso8601(t.created_ms).c_str(),
                  t.revoked_ms ? FormatIso8601(t.revoked_ms).c_str() : "-", t.name.c_str());
    }
  });
  CLI::App* revoke = cmd->add_subcommand("revoke", "Revoke a token");
  revoke->add_option("id", a->id, "The token's id (impostor token list)")->required();
  revoke->add_option("--db", a->db, "Store")->capture_default_str();
  revoke->footer("Example:\n  impostor token revoke 3f9a0c1d2e4b");
  revoke->callback([a, fail] {
    auto store = OpenExistingStore(a->db);
    if (!store.ok()) return fail(kExitInputError, store.status().message());
    Status st = RevokeToken(**store, a->id, CliActor());
    if (!st.ok()) return fail(ExitCodeForUserError(st), st.message());
    std::fprintf(stderr, "impostor token: revoked %s\n", a->id.c_str());
  });
}

void RegisterAuditCommand(CLI::App& app, CommandContext& ctx) {
  struct Args {
    std::string db = "impostor.db";
    int64_t after = 0;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("audit", "List the audit log of changes, or verify its hash chain");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n"
      "  impostor audit list --after 120\n"
      "  impostor audit verify          exit 0: the chain holds; 3: an entry was changed or deleted");
  auto fail = [&ctx](int code, const std::string& msg) {
    std::fprintf(stderr, "impostor audit: %s\n", msg.c_str());
    ctx.exit_code = code;
  };
  CLI::App* list = cmd->add_subcommand("list", "Every change: when, who, from where, what");
  list->add_option("--db", a->db, "Store")->capture_default_str();
  list->add_option("--after", a->after, "Only entries after this sequence number");
  list->add_flag("--json", a->json, "One JSON object per entry");
  list->footer("Example:\n  impostor audit list --json | jq 'select(.action == \"verdict.create\")'");
  list->callback([a, fail, &ctx] {
    auto store = OpenExistingStore(a->db);
    if (!store.ok()) return fail(kExitInputError, store.status().message());
    auto entries = QueryAudit(**store, a->after, 0);
    if (!entries.ok()) return fail(kExitInputError, entries.status().message());
    for (const AuditEntry& e : *entries) {
      if (a->json || !ctx.stdout_is_tty) {
        std::string line;
        JsonWriter w(&line);
        WriteAuditJson(w, e);
        std::printf("%s\n", line.c_str());
      } else {
        std::printf("%6lld  %s  %-20s  %-15s  %-16s  %s  %s\n", static_cast<long long>(e.seq),
                    FormatIso8601(e.time_ms).c_str(), e.actor.c_str(), e.source.c_str(), e.action.c_str(),
                    e.object.c_str(), e.detail.c_str());
      }
    }
  });
  CLI::App* verify = cmd->add_subcommand("verify", "Check that no entry was changed or deleted");
  verify->add_option("--db", a->db, "Store")->capture_default_str();
  verify->footer(
      "Example:\n  impostor audit verify --db postgresql://soc@db:5432/impostor\n\n"
      "Prints the number of entries and the head hash; keep the head hash elsewhere (a ticket, a log) to\n"
      "detect later that entries were cut from the end.");
  verify->callback([a, fail] {
    auto store = OpenExistingStore(a->db);
    if (!store.ok()) return fail(kExitInputError, store.status().message());
    auto check = VerifyAudit(**store);
    if (!check.ok()) return fail(kExitInputError, check.status().message());
    if (check->first_bad_seq != 0) {
      return fail(kExitInputError, StoreName(a->db) + ": the audit log does not verify: " + check->problem);
    }
    std::printf("ok\t%lld entries\thead %s\n", static_cast<long long>(check->entries),
                check->head_hash.empty() ? "-" : check->head_hash.c_str());
  });
}

}  // namespace impostor
