// CEF export: a Finding as one ArcSight Common Event Format line
// ("Implementing ArcSight CEF", revision 25):
//
//   CEF:0|impostor|impostor|<version>|<detector id>|<title>|<severity 0-10>|<extensions>
//
// Header fields escape `\` and `|`; extension values escape `\`, `=` and line
// breaks (\n, \r). Values longer than the spec's per-key limits are cut at a UTF-8
// boundary, and a line longer than CefOptions::max_bytes is shortened (msg first,
// then the lists) so a syslog datagram still carries it. The field mapping is in
// docs/cef.md.
//
// Thread safety: pure functions.
#ifndef IMPOSTOR_EXPORT_CEF_H_
#define IMPOSTOR_EXPORT_CEF_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "detect/finding.h"

namespace impostor {

class OcsfContext;

struct CefOptions {
  std::string product_version = "0.1.0";  // header Device Version
  // Longest line written, in bytes (no newline). Default 8192; the CLI lowers it
  // to fit a UDP datagram (2048 bytes for the whole syslog message by default).
  size_t max_bytes = 8192;
  // Tenants, store times and verdicts (export/ocsf_context.h); nullptr = only what
  // the finding carries. Not owned.
  const OcsfContext* context = nullptr;
  // rt of a finding without a time of its own (ms); 0 = the clock.
  TimeMs now_ms = 0;
};

// Escapes a header field: `\` -> `\\`, `|` -> `\|`; line breaks become spaces.
std::string CefEscapeHeader(std::string_view text);
// Escapes an extension value: `\` -> `\\`, `=` -> `\=`, LF -> `\n`, CR -> `\r`.
std::string CefEscapeValue(std::string_view text);

// CEF severity 0-10 for a finding severity: Unknown 0, Informational 1, Low 3,
// Medium 5, High 8, Critical 10 (the spec's bands: 0-3 Low, 4-6 Medium, 7-8 High,
// 9-10 Very-High).
int CefSeverity(Severity severity);

// One CEF line for `finding` (no newline).
std::string CefLine(const Finding& finding, const CefOptions& options);

}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_CEF_H_
