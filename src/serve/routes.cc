#include "serve/routes.h"

namespace impostor {

namespace {

std::vector<FieldSpec> PageParams(const std::string& what) {
  return {{"limit", "integer", false, "How many " + what + " per page: 1 to 500 (default 50)"},
          {"cursor", "string", false, "The next_cursor of the previous page"}};
}

std::vector<RouteSpec> MakeRoutes() {
  const std::vector<std::string> severities = {"informational", "low", "medium", "high", "critical"};
  std::vector<FieldSpec> finding_query = {
      {"severity", "string", false, "Minimum severity", "", severities},
      {"detector", "string", false, "Only this detector's findings (e.g. signin.impossible_travel)"},
      {"entity", "string", false, "Only findings on this account, device, persona, cluster or IP"},
      {"entity_type", "string", false, "Only findings on this kind of entity", "",
       {"account", "device", "persona", "cluster", "ip"}},
      {"organisation", "string", false, "Only this organisation's (tenant's) findings"},
      {"status", "string", false, "Triage status: the latest verdict, or open", "", {"open", "confirmed", "dismissed"}},
      {"since", "string", false, "Last seen at or after (ISO 8601, or ms since the epoch)"},
      {"until", "string", false, "Last seen before (ISO 8601, or ms since the epoch)"},
      {"sort", "string", false, "rank (severity, confidence, recency; default) or recent", "",
       NamesOf(kFindingSortNames)},
  };
  for (FieldSpec& f : PageParams("findings")) finding_query.push_back(f);

  std::vector<FieldSpec> case_query = {
      {"status", "string", false, "Only cases in this status", "", NamesOf(kCaseStatusNames)}};
  for (FieldSpec& f : PageParams("cases")) case_query.push_back(f);

  return {
      {RouteId::kHealth, "GET", "/healthz", false, false, Role::kViewer, "Liveness and store reachability", {}, {}},
      {RouteId::kMetrics, "GET", "/metrics", false, true, Role::kViewer,
       "Prometheus metrics: requests, latencies, store size, last scan", {}, {}},
      {RouteId::kOpenApi, "GET", "/api/v1/openapi.json", false, false, Role::kViewer, "This document", {}, {}},
      {RouteId::kListFindings, "GET", "/api/v1/findings", false, true, Role::kViewer,
       "Findings, filtered, sorted and paged", finding_query, {}},
      {RouteId::kGetFinding, "GET", "/api/v1/findings/{key}", true, true, Role::kViewer,
       "One finding with its evidence and verdicts", {}, {}},
      {RouteId::kGetAccount, "GET", "/api/v1/accounts/{id}", true, true, Role::kViewer,
       "An account: risk score with contributions, findings, sign-in timeline, travel legs, devices, people "
       "records, personas",
       {}, {}},
      {RouteId::kGetPersona, "GET", "/api/v1/personas/{id}", true, true, Role::kViewer,
       "A persona: members, the links between its records, findings", {}, {}},
      {RouteId::kGetCluster, "GET", "/api/v1/clusters/{id}", true, true, Role::kViewer,
       "A farm cluster: members, shared identifiers, tools, findings", {}, {}},
      {RouteId::kListDetectors, "GET", "/api/v1/detectors", false, true, Role::kViewer,
       "Every detector with its parameters", {}, {}},
      {RouteId::kCreateVerdicts, "POST", "/api/v1/verdicts", false, true, Role::kAnalyst,
       "Record a verdict on findings (named by key, or every finding on an entity)",
       {},
       {{"verdict", "string", true, "The judgement", "", NamesOf(kVerdictKindNames)},
        {"finding_keys", "array", false, "Finding keys (or give entity)", "string"},
        {"entity", "string", false, "Every finding on this entity (or give finding_keys)"},
        {"detector", "string", false, "With entity: only this detector's findings"},
        {"note", "string", false, "Why, in a sentence"}}},
      {RouteId::kListCases, "GET", "/api/v1/cases", false, true, Role::kViewer, "Cases, in id order", case_query, {}},
      {RouteId::kCreateCase, "POST", "/api/v1/cases", false, true, Role::kAnalyst,
       "Open a case on findings, accounts or personas",
       {},
       {{"title", "string", true, "What the case is about"},
        {"items", "array", true, "What it holds: [{kind: finding|account|persona, ref}]", "item"},
        {"assignee", "string", false, "Who works it"}}},
      {RouteId::kGetCase, "GET", "/api/v1/cases/{id}", false, true, Role::kViewer,
       "One case with its items and comments (ETag: its version)", {}, {}},
      {RouteId::kUpdateCase, "PATCH", "/api/v1/cases/{id}", false, true, Role::kAnalyst,
       "Change a case (If-Match: its ETag). Confirmed or dismissed records that verdict on every finding it holds",
       {},
       {{"title", "string", false, "A new title"},
        {"assignee", "string", false, "Who works it (\"\" = nobody)"},
        {"status", "string", false, "new → investigating → confirmed | dismissed | closed", "",
         NamesOf(kCaseStatusNames)},
        {"comment", "string", false, "A comment added with the change"},
        {"add_items", "array", false, "More findings, accounts or personas", "item"}},
       true},
      {RouteId::kCommentCase, "POST", "/api/v1/cases/{id}/comments", false, true, Role::kAnalyst,
       "Comment on a case", {}, {{"text", "string", true, "The comment"}}},
      {RouteId::kListAudit, "GET", "/api/v1/audit", false, true, Role::kAdmin,
       "The audit log: every change, who, when, from where",
       {{"after", "integer", false, "Entries after this sequence number"},
        {"limit", "integer", false, "How many entries: 1 to 1000 (default 100)"}},
       {}},
      {RouteId::kListTokens, "GET", "/api/v1/tokens", false, true, Role::kAdmin, "API tokens (never their secrets)",
       {}, {}},
      {RouteId::kCreateToken, "POST", "/api/v1/tokens", false, true, Role::kAdmin,
       "Create a token; its secret is in this response only",
       {},
       {{"name", "string", true, "Who or what uses it"},
        {"role", "string", true, "viewer reads; analyst adds verdicts and works cases; admin manages tokens", "",
         NamesOf(kRoleNames)}}},
      {RouteId::kRevokeToken, "DELETE", "/api/v1/tokens/{id}", false, true, Role::kAdmin, "Revoke a token", {}, {}},
  };
}

}  // namespace

const std::vector<RouteSpec>& ApiRoutes() {
  static const std::vector<RouteSpec> routes = MakeRoutes();
  return routes;
}

}  // namespace impostor
