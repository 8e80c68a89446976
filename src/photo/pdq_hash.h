// PdqHash: a 256-bit PDQ perceptual hash and the Hamming distance between two.
//
// Bit k (0..255) is DCT coefficient (row k/16, column k%16) of the 16x16 block
// being above the block's median. The bits live in four 64-bit words, bit k in
// words[k / 64] at position k % 64, so a hash is 32 bytes with no padding and a
// million of them fit in 32 MB.
//
// The hex form is the reference implementation's: 64 lower-case hex digits, most
// significant 16-bit word first (bits 255..240 first, bits 15..0 last), which is
// words[3], words[2], words[1], words[0] each printed as 16 hex digits.
//
// Plain value type; thread-compatible.
#ifndef IMPOSTOR_PHOTO_PDQ_HASH_H_
#define IMPOSTOR_PHOTO_PDQ_HASH_H_

#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace impostor {

struct PdqHash {
  std::array<uint64_t, 4> words{};

  static constexpr int kBits = 256;

  bool Bit(int k) const { return (words[k >> 6] >> (k & 63)) & 1u; }
  void SetBit(int k) { words[k >> 6] |= uint64_t{1} << (k & 63); }
  int PopCount() const {
    return std::popcount(words[0]) + std::popcount(words[1]) + std::popcount(words[2]) +
           std::popcount(words[3]);
  }

  // 64 lower-case hex digits in the reference order (see above).
  std::string ToHex() const;
  // Parses the reference hex form; upper or lower case, exactly 64 digits.
  static Result<PdqHash> FromHex(std::string_view hex);

  friend bool operator==(const PdqHash&, const PdqHash&) = default;
  friend auto operator<=>(const PdqHash&, const PdqHash&) = default;
};

// Number of differing bits, 0..256.
inline int HammingDistance(const PdqHash& a, const PdqHash& b) {
  return std::popcount(a.words[0] ^ b.words[0]) + std::popcount(a.words[1] ^ b.words[1]) +
         std::popcount(a.words[2] ^ b.words[2]) + std::popcount(a.words[3] ^ b.words[3]);
}

// Meta's suggested match threshold for PDQ: distance <= 31 of 256 is the same picture.
inline constexpr int kPdqMatchDistance = 31;
// Face crops are cut where a detector puts the eyes, which moves by a pixel or two
// between two copies of one face, so the same face on two documents lands further
// apart than two copies of one photo: 8-34 bits over resizing to 70-125 % and JPEG
// 60-85, up to ~55 for faces under ~60 pixels, against 108-134 between different
// faces. Hence a wider threshold than for whole photos.
inline constexpr int kFaceMatchDistance = 40;
// Hashes of images with quality below this carry too little structure to compare
// (flat or tiny images); Meta's guidance is to drop them.
inline constexpr int kPdqMinQuality = 50;

}  // namespace impostor

#endif  // IMPOSTOR_PHOTO_PDQ_HASH_H_
