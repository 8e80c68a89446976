#include "cli/photos_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "common/json_writer.h"
#include "photo/pdq_hash.h"
#include "photo/photo_file_hasher.h"

namespace impostor {
namespace {

struct PhotosHashArgs {
  std::vector<std::string> inputs;
  bool json = false;
  bool no_faces = false;
  std::string cascade;
};

// Expands directories (recursively, image extensions only, sorted); a file named on
// the command line is taken whatever its extension. Unreadable inputs are reported
// and counted.
std::vector<std::string> ExpandInputs(const std::vector<std::string>& inputs, int* errors) {
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (std::filesystem::is_directory(input, ec)) {
      std::vector<std::string> found;
      std::filesystem::recursive_directory_iterator it(
          input, std::filesystem::directory_options::skip_permission_denied, ec);
      for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && HasImageExtension(it->path().string())) found.push_back(it->path().string());
      }
      if (ec) {
        std::fprintf(stderr, "impostor photos hash: %s: cannot read directory: %s\n", input.c_str(),
                     ec.message().c_str());
        ++*errors;
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(input);  // a missing file is reported when hashed
    }
  }
  return files;
}

std::string JsonLine(const std::string& path, const PhotoHashes& h) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("path", path);
  w.Field("pdq", h.hash.ToHex());
  w.Field("quality", h.quality);
  w.Field("width", h.width);
  w.Field("height", h.height);
  w.Key("faces");
  w.BeginArray();
  for (const FaceRegionHash& f : h.faces) {
    w.BeginObject();
    w.Field("pdq", f.hash.ToHex());
    w.Field("quality", f.quality);
    w.Key("box");
    w.BeginArray();
    w.Int(f.x);
    w.Int(f.y);
    w.Int(f.width);
    w.Int(f.height);
    w.EndArray();
    w.Field("eye_aligned", f.eye_aligned);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

void PrintTableRow(const std::string& path, const PhotoHashes& h) {
  std::printf("%-64s %3d%s %4zu  %s\n", h.hash.ToHex().c_str(), h.quality, h.quality < kPdqMinQuality ? "!" : " ",
              h.faces.size(), path.c_str());
  for (const FaceRegionHash& f : h.faces) {
    std::printf("  face %-59s %3d%s       at %d,%d %dx%d%s\n", f.hash.ToHex().c_str(), f.quality,
                f.quality < kPdqMinQuality ? "!" : " ", f.x, f.y, f.width, f.height,
                f.eye_aligned ? "" : " (box-aligned)");
  }
}

void RunPhotosHash(const PhotosHashArgs& args, CommandContext& ctx) {
  PhotoFileHasherOptions options;
  options.faces = !args.no_faces;
  options.face_cascade_path = args.cascade;
  Result<std::unique_ptr<PhotoFileHasher>> hasher = PhotoFileHasher::Open(options);
  if (!hasher.ok()) {
    std::fprintf(stderr, "impostor photos hash: %s\n(use --no-faces to hash whole images only)\n",
                 hasher.status().ToString().c_str());
    ctx.exit_code = kExitUsage;
    return;
  }
  int errors = 0;
  const std::vector<std::string> files = ExpandInputs(args.inputs, &errors);
  const bool table = ctx.stdout_is_tty && !args.json;
  if (table) std::printf("%-64s %-4s %5s  %s\n", "PDQ", "QUAL", "FACES", "PATH");
  int hashed = 0;
  for (const std::string& path : files) {
    Result<PhotoHashes> h = (*hasher)->HashFile(path);
    if (!h.ok()) {
      std::fprintf(stderr, "impostor photos hash: %s\n", h.status().ToString().c_str());
      ++errors;
      continue;
    }
    ++hashed;
    if (table) PrintTableRow(path, *h);
    else std::printf("%s\n", JsonLine(path, *h).c_str());
  }
  std::fflush(stdout);
  if (table || errors > 0 || ctx.stderr_is_tty) {
    std::fprintf(stderr, "hashed %d image%s, %d unreadable\n", hashed, hashed == 1 ? "" : "s", errors);
  }
  if (errors > 0) ctx.exit_code = kExitInputError;
}

}  // namespace

void RegisterPhotosCommand(CLI::App& app, CommandContext& ctx) {
  CLI::App* photos = app.add_subcommand("photos", "Perceptual hashes of photos (PDQ) for photo-reuse evidence");
  photos->require_subcommand(1);

  auto args = std::make_shared<PhotosHashArgs>();
  CLI::App* hash = photos->add_subcommand(
      "hash", "Print the PDQ hash (256 bits, hex), its quality (0-100) and the hashes of detected face regions");
  hash->add_option("inputs", args->inputs, "Image files (JPEG, PNG, WebP, BMP, TIFF) or directories to search")
      ->required();
  hash->add_flag("--json", args->json, "JSON lines on stdout (the default when stdout is not a terminal)");
  hash->add_flag("--no-faces", args->no_faces, "Hash whole images only; skip face detection");
  hash->add_option("--face-cascade", args->cascade,
                   "OpenCV cascade XML for face detection "
                   "(default /usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml)");
  hash->footer(
      "Quality below 50 (marked '!') means too little detail to compare; two hashes within\n"
      "31 bits of 256 are the same picture, two face hashes within 40 bits the same face.\n"
      "Unreadable files are reported on stderr with their path and counted; the run goes\n"
      "on and exits 3 if any failed.\n\n"
      "Examples:\n"
      "  impostor photos hash headshot.jpg\n"
      "  impostor photos hash --json uploads/ > hashes.jsonl\n"
      "  impostor photos hash --no-faces scans/*.png");
  hash->callback([args, &ctx] { RunPhotosHash(*args, ctx); });
}

}  // namespace impostor
