// ECS export: a Finding as one Elastic Common Schema 8.11 JSON document (compact,
// one per line) with event.kind "alert". Only ECS fields are written; the fields
// and their ECS types are listed in tests/data/ecs/ecs_fields.tsv (checked by the
// SIEM test) and the mapping is in docs/ecs.md.
//
// Thread safety: pure functions.
#ifndef IMPOSTOR_EXPORT_ECS_H_
#define IMPOSTOR_EXPORT_ECS_H_

#include <string>

#include "detect/finding.h"

namespace impostor {

class OcsfContext;

struct EcsOptions {
  std::string ecs_version = "8.11.0";
  std::string product_version = "0.1.0";
  // @timestamp of a finding without a time of its own (ms); 0 = the clock.
  TimeMs now_ms = 0;
  const OcsfContext* context = nullptr;  // tenants, store times, verdicts; not owned
};

// event.severity: Elastic Security's numbers for Low 21, Medium 47, High 73,
// Critical 99; Informational 1, Unknown 0.
int EcsSeverity(Severity severity);

std::string EcsDocument(const Finding& finding, const EcsOptions& options);

}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_ECS_H_
