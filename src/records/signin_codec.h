// A compact binary form of SignIn, for holding and spilling millions of sign-ins in
// time order (engine/signin_sorter.h) at a fraction of the memory of the struct.
//
// Layout: a version byte, then every field in declaration order — integers as
// LEB128 varints (signed ones zig-zagged), doubles as 8 raw bytes, strings and lists
// as a varint length and their bytes, the IP address as a tag byte and 4 or 16 bytes.
// A record of the shape Entra writes is ~250 bytes against ~1.3 KB for the struct
// with its heap strings. The form is private to one process run (spill files are
// temporary), so it may change between versions without migration.
//
// Thread safety: pure functions.
#ifndef IMPOSTOR_RECORDS_SIGNIN_CODEC_H_
#define IMPOSTOR_RECORDS_SIGNIN_CODEC_H_

#include <string>
#include <string_view>

#include "common/status.h"
#include "records/signin.h"

namespace impostor {

// Appends the encoding of `signin` to `out`.
void EncodeSignIn(const SignIn& signin, std::string& out);

// Decodes one record from the front of `in` into `signin` (whose strings keep their
// capacity, so decoding a stream into one SignIn allocates little), and removes it
// from `in`. Corruption when the bytes are not a whole record of this version.
Status DecodeSignIn(std::string_view& in, SignIn* signin);

}  // namespace impostor

#endif  // IMPOSTOR_RECORDS_SIGNIN_CODEC_H_
