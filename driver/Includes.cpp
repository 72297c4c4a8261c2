//===--- Includes.cpp - which files of a database include a header --------===//

#include "Includes.h"
#include "Findings.h"

#include "clang/Tooling/DependencyScanning/DependencyScanningService.h"
#include "clang/Tooling/DependencyScanning/DependencyScanningWorker.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <atomic>
#include <thread>

using namespace clang::tooling::dependencies;

namespace csp_tidy {

std::string realPath(llvm::StringRef File) {
  llvm::SmallString<256> Real;
  if (llvm::sys::fs::real_path(File, Real))
    return File.str();
  return std::string(Real);
}

namespace {

/// The headers asked about among the files the scan reports.
class HeadersFound : public DependencyConsumer {
public:
  HeadersFound(const llvm::StringSet<> &Headers, llvm::StringRef Directory, IncludeScan &Found)
      : Headers(Headers), Directory(Directory), Found(Found) {}

  void handleFileDependency(llvm::StringRef File) override {
    std::string Real = realPath(absolutePath(File, Directory));
    if (Headers.contains(Real))
      Found.Headers.insert(Real);
  }
  void handleBuildCommand(Command) override {}
  void handleDependencyOutputOpts(const clang::DependencyOutputOptions &) override {}
  void handlePrebuiltModuleDependency(PrebuiltModuleDep) override {}
  void handleModuleDependency(ModuleDeps) override {}
  void handleDirectModuleDependency(ModuleID) override {}
  void handleContextHash(std::string) override {}

private:
  const llvm::StringSet<> &Headers;
  std::string Directory;
  IncludeScan &Found;
};

/// Every file the scan reports.
class AllFiles : public DependencyConsumer {
public:
  explicit AllFiles(std::vector<std::string> &Found) : Found(Found) {}

  void handleFileDependency(llvm::StringRef File) override { Found.push_back(File.str()); }
  void handleBuildCommand(Command) override {}
  void handleDependencyOutputOpts(const clang::DependencyOutputOptions &) override {}
  void handlePrebuiltModuleDependency(PrebuiltModuleDep) override {}
  void handleModuleDependency(ModuleDeps) override {}
  void handleDirectModuleDependency(ModuleID) override {}
  void handleContextHash(std::string) override {}

private:
  std::vector<std::string> &Found;
};

class NoModules : public DependencyActionController {
public:
  std::string lookupModuleOutput(const ModuleID &, ModuleOutputKind) override { return ""; }
};

} // namespace

// Shared by the scans of one run: the scanner keeps the files it has read
// and their directives, so a header that every file includes is read once.
struct DependencyLister::Service {
  DependencyScanningService Scanning{ScanningMode::DependencyDirectivesScan,
                                     ScanningOutputFormat::Make};
};

DependencyLister::DependencyLister() : Shared(std::make_unique<Service>()) {}
DependencyLister::~DependencyLister() = default;

llvm::Expected<std::vector<std::string>>
DependencyLister::files(const clang::tooling::CompileCommand &Command,
                        llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS) {
  DependencyScanningWorker Worker(Shared->Scanning, std::move(FS));
  NoModules Controller;
  std::vector<std::string> Found;
  AllFiles Consumer(Found);
  if (llvm::Error Failed = Worker.computeDependencies(Command.Directory, Command.CommandLine,
                                                      Consumer, Controller))
    return std::move(Failed);
  return Found;
}

std::vector<IncludeScan> scanIncludes(const clang::tooling::CompilationDatabase &Database,
                                      llvm::ArrayRef<std::string> Sources,
                                      const llvm::StringSet<> &Headers,
                                      const FileSystemFactory &MakeFS, unsigned Jobs) {
  DependencyScanningService Service(ScanningMode::DependencyDirectivesScan,
                                    ScanningOutputFormat::Make);
  std::vector<IncludeScan> Scans(Sources.size());
  std::atomic<size_t> Next{0};
  auto Work = [&] {
    DependencyScanningWorker Worker(Service, MakeFS());
    NoModules Controller;
    for (size_t I = Next++; I < Sources.size(); I = Next++)
      for (const clang::tooling::CompileCommand &Command :
           Database.getCompileCommands(absolutePath(Sources[I]))) {
        HeadersFound Consumer(Headers, Command.Directory, Scans[I]);
        if (llvm::Error Failed = Worker.computeDependencies(
                Command.Directory, Command.CommandLine, Consumer, Controller)) {
          llvm::consumeError(std::move(Failed));
          Scans[I].Failed = true;
        }
      }
  };
  std::vector<std::thread> Threads;
  for (unsigned T = 0; T < std::max(1u, std::min<unsigned>(Jobs, Sources.size())); ++T)
    Threads.emplace_back(Work);
  for (std::thread &T : Threads)
    T.join();
  return Scans;
}

} // namespace csp_tidy
