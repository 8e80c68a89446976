// Procedural portraits for simulated people: an oval face with eyes, brows, mouth and
// hair, with per-person random shapes and colours. Reused fraud personas reuse one base
// portrait with edits (crop, brightness, JPEG re-compression, pasted onto an "ID document"
// background), as AI-polished photos on stolen IDs do in real cases.
//
// Pure functions over their arguments; thread-safe.
#ifndef IMPOSTOR_SIM_PORTRAIT_H_
#define IMPOSTOR_SIM_PORTRAIT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace impostor {

// JPEG bytes of the base portrait of `seed` (160x200 pixels).
std::vector<unsigned char> RenderPortraitJpeg(uint64_t seed);
// JPEG bytes of an edited copy of the base portrait of `seed`; `edit_seed` picks the edits.
std::vector<unsigned char> RenderEditedPortraitJpeg(uint64_t seed, uint64_t edit_seed);

}  // namespace impostor

#endif  // IMPOSTOR_SIM_PORTRAIT_H_
