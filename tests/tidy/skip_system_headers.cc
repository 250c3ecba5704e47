// A preload for Debian's clang-tidy 14 (LD_PRELOAD) that keeps its AST
// matchers out of the system headers, as clang-tidy 21 and later do by
// default: tests/run_all.sh's tidy tier loads it (DEVELOPERS.md).
//
// clang-tidy 14 runs every check's matchers over the whole translation
// unit, the standard library, nlohmann/json and httplib included, and then
// drops what they find there (only our own files are reported). That
// matching is three quarters of its time. Before the matchers run, this
// sets the AST's traversal scope (what clangd does for its checks) to the
// top-level declarations that are not in a system header: our .cc file and
// our headers, with every template instantiation they own. Parsing, Sema
// and the rules (.clang-tidy) are unchanged; checks still see system
// declarations through the nodes of our code (a call's callee, a base
// class). What no longer happens is walking the system headers' own
// bodies, and so two kinds of finding go, as in clang-tidy 21 and later
// (which skip system headers the same way by default):
// - bugprone-forward-declaration-namespace collects declarations across
//   the whole translation unit and no longer sees system ones: an unreferenced
//   forward declaration of ours whose name only a system header defines, in
//   another namespace, is not reported;
// - a finding whose place is inside a system header, which clang-tidy 14
//   reports when one of its notes points into our code (seen only with
//   llvmlibc-callee-namespace, not one of ours, on libstdc++ code calling
//   our lambdas).
// Findings placed in our code were the same in every comparison made with
// and without it (docs/BENCHMARKS.md).
//
// How it gets in: clang-tidy's AST consumer (ClangTidyASTConsumer) inherits
// MultiplexConsumer::HandleTranslationUnit, and the clang-tidy binary calls
// it through its dynamic symbol, so a preloaded definition runs first and
// hands over to libclang-cpp's. run_tidy checks that it is in effect
// (PIIGUARD_TIDY_SCOPE_REPORT) and runs clang-tidy plainly when it is not.
//
// Built by run_tidy against the headers of libclang-14-dev:
//   clang++ -std=c++17 -shared -fPIC -O2 -I/usr/lib/llvm-14/include \
//     tests/tidy/skip_system_headers.cc -o skip_system_headers.so -ldl
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "common/json.h"

namespace clang {

void MultiplexConsumer::HandleTranslationUnit(ASTContext& ctx) {
  using Original = void (*)(MultiplexConsumer*, ASTContext&);
  static const auto original = reinterpret_cast<Original>(dlsym(
      RTLD_NEXT,
      "_ZN5clang17MultiplexConsumer21HandleTranslationUnitERNS_10ASTContextE"));
  if (original == nullptr) {
    std::fprintf(stderr,
                 "skip_system_headers: libclang-cpp: "
                 "MultiplexConsumer::HandleTranslationUnit: not found\n");
    std::abort();
  }
  const SourceManager& sources = ctx.getSourceManager();
  std::vector<Decl*> scope;
  size_t all = 0;
  for (Decl* decl : ctx.getTranslationUnitDecl()->decls()) {
    ++all;
    // Where the declaration's text is: a system macro used in our file
    // counts as ours. Implicit declarations without a place are kept.
    const SourceLocation where = decl->getLocation();
    if (where.isInvalid() ||
        !sources.isInSystemHeader(sources.getExpansionLoc(where))) {
      scope.push_back(decl);
    }
  }
  if (std::getenv("PIIGUARD_TIDY_SCOPE_REPORT") != nullptr) {
    std::fprintf(stderr,
                 "skip_system_headers: %zu of %zu top-level declarations\n",
                 scope.size(), all);
  }
  ctx.setTraversalScope(scope);
  original(this, ctx);
}

}  // namespace clang
