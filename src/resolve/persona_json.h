// Personas as JSON lines: one object per persona with its members (record ids,
// sources, files and lines), shared identifiers, and the links that joined it,
// each with the comparisons, levels and weights behind it.
//
// Thread safety: pure functions over their arguments.
#ifndef IMPOSTOR_RESOLVE_PERSONA_JSON_H_
#define IMPOSTOR_RESOLVE_PERSONA_JSON_H_

#include <ostream>
#include <string>
#include <string_view>

#include "resolve/resolver.h"

namespace impostor {

// Appends `s` as a JSON string literal (quotes included).
void AppendJsonString(std::string& out, std::string_view s);

// One persona as a single-line JSON object (no trailing newline).
std::string PersonaToJson(const ResolutionResult& result, const Persona& persona);

// Writes every persona with at least `min_members` members, one per line; returns
// how many were written.
size_t WritePersonasJsonLines(const ResolutionResult& result, std::ostream& out, size_t min_members = 1);

}  // namespace impostor

#endif  // IMPOSTOR_RESOLVE_PERSONA_JSON_H_
