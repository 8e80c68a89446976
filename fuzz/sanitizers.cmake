# Opt-in sanitizer and fuzzing builds, included by the top-level CMakeLists.txt
# before the modules so that every library is instrumented alike.
#
#   -DIMPOSTOR_SANITIZE=ON  AddressSanitizer (leak detection included) and
#                           UndefinedBehaviorSanitizer on every target; any report
#                           aborts the process, so a test that hits one fails.
#   -DIMPOSTOR_FUZZ=ON      the libFuzzer harnesses of fuzz/ (clang only; implies
#                           IMPOSTOR_SANITIZE). Configure in a build folder of its
#                           own, e.g.
#                             CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja \
#                               -DIMPOSTOR_FUZZ=ON -DIMPOSTOR_BUILD_BENCH=OFF
#
# Debian's libraries (simdjson, yaml-cpp, OpenCV, xgboost, ...) stay uninstrumented;
# ASan still catches what our code does to memory they hand out or read.
option(IMPOSTOR_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(IMPOSTOR_FUZZ "Build the libFuzzer harnesses (clang; implies IMPOSTOR_SANITIZE)" OFF)

if(IMPOSTOR_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "IMPOSTOR_FUZZ needs clang (libFuzzer): configure a fresh build folder with "
                        "CC=clang CXX=clang++ (Debian: apt-get install clang libclang-rt-14-dev)")
  endif()
  set(IMPOSTOR_SANITIZE ON CACHE BOOL "" FORCE)
  # Coverage instrumentation for libFuzzer in every library; the harnesses link
  # the fuzzer's main with -fsanitize=fuzzer (fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(IMPOSTOR_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  # Sanitizers slow the code several times over and grow the stack frames; keep
  # optimisation on so tests run in reasonable time.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-fno-sanitize=vptr)
  endif()
endif()
