//===--- ResultCache.cpp - each file's findings, kept between runs --------===//

#include "ResultCache.h"
#include "Findings.h"
#include "Version.h"

#include "clang/Basic/Version.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <link.h>
#include <set>
#include <fcntl.h>
#include <sys/stat.h>

namespace csp_tidy {

namespace fs = llvm::sys::fs;

namespace {

/// The first line of every entry; a new layout gets a new number.
constexpr llvm::StringLiteral EntryHeader = "csp-tidy cache entry 1\n";

std::string hexOf(const llvm::BLAKE3Result<> &Digest) {
  return llvm::toHex(Digest, /*LowerCase=*/true);
}

std::string hashOf(llvm::StringRef Bytes) {
  return hexOf(llvm::BLAKE3::hash(llvm::arrayRefFromStringRef(Bytes)));
}

/// \p Path as the dependency scanner names a file it read through a
/// working directory of \p WorkingDirectory.
std::string scannerName(llvm::StringRef Path, llvm::StringRef WorkingDirectory) {
  llvm::SmallString<256> Name(Path);
  llvm::sys::path::remove_dots(Name, /*remove_dot_dot=*/true);
  fs::make_absolute(WorkingDirectory, Name);
  return std::string(Name);
}

} // namespace

/// Records each file the scanner opens, under the name the scanner will
/// report it by, as the path it was opened by: the name has lost the `..`
/// that went through a symbolic link, the path has not.
class ResultCache::RecordingFileSystem : public llvm::vfs::ProxyFileSystem {
public:
  RecordingFileSystem(llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS, ResultCache &Cache)
      : ProxyFileSystem(std::move(FS)), Cache(Cache) {}

  llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>>
  openFileForRead(const llvm::Twine &Path) override {
    auto File = ProxyFileSystem::openFileForRead(Path);
    if (File) {
      llvm::ErrorOr<std::string> Current = getCurrentWorkingDirectory();
      std::string Directory = Current ? *Current : "";
      llvm::SmallString<256> Opened;
      Path.toVector(Opened);
      std::string Name = scannerName(Opened, Directory);
      fs::make_absolute(Directory, Opened);
      std::lock_guard<std::mutex> Guard(Cache.Lock);
      Cache.Opened[Name].insert(std::string(Opened));
    }
    return File;
  }

private:
  ResultCache &Cache;
};

void KeyHasher::add(llvm::StringRef Field) {
  uint64_t Size = Field.size();
  Hash.update(llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(&Size), sizeof Size));
  Hash.update(Field);
}

void KeyHasher::addFileContent(llvm::StringRef Path) {
  add(Path);
  auto Text = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  add(Text ? hashOf((*Text)->getBuffer()) : "unreadable");
}

llvm::Error KeyHasher::addTool(llvm::StringRef Self) {
  add(versionWithRevision());
  add(clang::getClangFullVersion());
  auto Binary = llvm::MemoryBuffer::getFile(Self, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!Binary)
    return llvm::createStringError("cannot read csp-tidy's own binary '" + Self +
                                   "' for the cache key: " + Binary.getError().message());
  add(hashOf((*Binary)->getBuffer()));
  // The libraries are named, not read: LLVM's alone is over 100 MB, and a
  // package update replaces the file (a new size or time) rather than
  // editing it in place. Their times survive a reinstall of the same package.
  std::vector<std::string> Libraries;
  dl_iterate_phdr(
      [](dl_phdr_info *Info, size_t, void *Data) {
        if (Info->dlpi_name && *Info->dlpi_name)
          static_cast<std::vector<std::string> *>(Data)->push_back(Info->dlpi_name);
        return 0;
      },
      &Libraries);
  for (const std::string &Library : Libraries) {
    struct stat Status;
    add(Library);
    if (stat(Library.c_str(), &Status) != 0) {
      add("missing");
      continue;
    }
    add(std::to_string(Status.st_size) + " " + std::to_string(Status.st_mtim.tv_sec) + "." +
        std::to_string(Status.st_mtim.tv_nsec));
  }
  return llvm::Error::success();
}

std::string KeyHasher::hex() { return hexOf(Hash.final()); }

ResultCache::ResultCache(std::string Dir, std::string RunKey, std::vector<CachedFile> Files,
                         FileSystemFactory MakeFS)
    : Dir(std::move(Dir)), RunKey(std::move(RunKey)), Files(std::move(Files)),
      MakeFS(std::move(MakeFS)), Keys(this->Files.size()) {}

llvm::Expected<std::unique_ptr<ResultCache>>
ResultCache::open(llvm::StringRef Dir, std::string RunKey, std::vector<CachedFile> Files,
                  FileSystemFactory MakeFS) {
  std::string Absolute = absolutePath(Dir);
  if (std::error_code EC = fs::create_directories(Absolute))
    return llvm::createStringError("cannot create the cache directory '" + Dir +
                                   "': " + EC.message());
  if (!fs::is_directory(Absolute))
    return llvm::createStringError("the cache directory '" + Dir + "' is not a directory");
  if (fs::access(Absolute, fs::AccessMode::Write))
    return llvm::createStringError("the cache directory '" + Dir + "' is not writable");
  return std::unique_ptr<ResultCache>(
      new ResultCache(Absolute, std::move(RunKey), std::move(Files), std::move(MakeFS)));
}

std::string ResultCache::entryPath(llvm::StringRef Key) const {
  llvm::SmallString<256> Path(Dir);
  llvm::sys::path::append(Path, Key.take_front(2), Key);
  return std::string(Path);
}

std::optional<std::string> ResultCache::contentHash(llvm::StringRef Path,
                                                    llvm::vfs::FileSystem &FS) {
  {
    std::lock_guard<std::mutex> Guard(Lock);
    auto It = Contents.find(Path);
    if (It != Contents.end())
      return It->second;
  }
  std::optional<std::string> Hash;
  if (auto Text = FS.getBufferForFile(Path, -1, /*RequiresNullTerminator=*/false))
    Hash = hashOf((*Text)->getBuffer());
  std::lock_guard<std::mutex> Guard(Lock);
  Contents.try_emplace(Path, Hash);
  return Hash;
}

std::string ResultCache::configIn(llvm::StringRef Directory) {
  {
    std::lock_guard<std::mutex> Guard(Lock);
    auto It = Configs.find(Directory);
    if (It != Configs.end())
      return It->second;
  }
  llvm::SmallString<256> Path(Directory);
  llvm::sys::path::append(Path, ".clang-tidy");
  std::string Hash = "none";
  // Read as clang-tidy reads it: from the disk, even in a --staged run.
  if (fs::exists(Path)) {
    auto Text = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
    Hash = Text ? hashOf((*Text)->getBuffer()) : "unreadable";
  }
  std::lock_guard<std::mutex> Guard(Lock);
  Configs.try_emplace(Directory, Hash);
  return Hash;
}

std::optional<std::string> ResultCache::keyOf(size_t Index) {
  const CachedFile &F = Files[Index];
  KeyHasher Key;
  Key.add(EntryHeader);
  Key.add(RunKey);
  Key.add(F.File);
  Key.add(std::to_string(F.Args.size()));
  for (const std::string &Arg : F.Args)
    Key.add(Arg);
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS =
      llvm::makeIntrusiveRefCnt<RecordingFileSystem>(MakeFS(), *this);
  // Every directory above a file the compiler reads: clang-tidy looks for
  // .clang-tidy above the main file, and a check may ask for a header's.
  std::set<std::string> Directories;
  auto AddDirectories = [&](llvm::StringRef File) {
    for (llvm::StringRef D = llvm::sys::path::parent_path(File); !D.empty();
         D = llvm::sys::path::parent_path(D))
      if (!Directories.insert(D.str()).second)
        break;
  };
  for (const clang::tooling::CompileCommand &Command : F.Commands) {
    Key.add(Command.Directory);
    Key.add(Command.Filename);
    Key.add(Command.Output);
    Key.add(Command.Heuristic);
    Key.add(std::to_string(Command.CommandLine.size()));
    for (const std::string &Arg : Command.CommandLine)
      Key.add(Arg);
    auto Read = Lister.files(Command, FS);
    if (!Read) {
      llvm::consumeError(Read.takeError());
      return std::nullopt;
    }
    Key.add(std::to_string(Read->size()));
    for (const std::string &Name : *Read) {
      // Every file read by this name in this run: the scanner read each
      // file through this file system once, whichever scan read it first.
      std::set<std::string> Paths;
      {
        std::lock_guard<std::mutex> Guard(Lock);
        auto It = Opened.find(Name);
        if (It != Opened.end())
          Paths = It->second;
      }
      if (Paths.empty())
        return std::nullopt;
      Key.add(Name);
      Key.add(std::to_string(Paths.size()));
      for (const std::string &Path : Paths) {
        std::optional<std::string> Hash = contentHash(Path, *FS);
        if (!Hash)
          return std::nullopt;
        Key.add(*Hash);
        AddDirectories(realPath(Path));
      }
      AddDirectories(Name);
    }
  }
  for (const std::string &Directory : Directories) {
    Key.add(Directory);
    Key.add(configIn(Directory));
  }
  return Key.hex();
}

std::optional<WorkerOutput> ResultCache::find(size_t Index) {
  Keys[Index] = keyOf(Index);
  if (!Keys[Index])
    return std::nullopt;
  const std::string &Key = *Keys[Index];
  auto Text = llvm::MemoryBuffer::getFile(entryPath(Key), /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!Text)
    return std::nullopt;
  auto Replay = [&]() -> std::optional<WorkerOutput> {
    llvm::StringRef Entry = (*Text)->getBuffer();
    if (!Entry.consume_front(EntryHeader))
      return std::nullopt;
    auto [Digest, Payload] = Entry.split('\n');
    if (Digest != hashOf(Payload))
      return std::nullopt;
    llvm::Expected<llvm::json::Value> Parsed = llvm::json::parse(Payload);
    if (!Parsed) {
      llvm::consumeError(Parsed.takeError());
      return std::nullopt;
    }
    const llvm::json::Object *O = Parsed->getAsObject();
    if (!O || O->getString("key") != Key)
      return std::nullopt;
    WorkerOutput Output;
    Output.Result.File = Files[Index].File;
    llvm::json::Path::Root Root;
    const llvm::json::Value *Outcome = O->get("outcome");
    const llvm::json::Value *Out = O->get("out");
    const llvm::json::Value *Err = O->get("err");
    const llvm::json::Value *Fixes = O->get("fixes");
    if (!Outcome || !Out || !Err || !Fixes || !fromJSON(*Outcome, Output.Result.Result, Root) ||
        !bytesFromJSON(*Out, Output.Out) || !bytesFromJSON(*Err, Output.Err) ||
        !bytesFromJSON(*Fixes, Output.Result.Fixes))
      return std::nullopt;
    return Output;
  };
  std::optional<WorkerOutput> Output = Replay();
  if (!Output) {
    ++Unreadable;
    return Output;
  }
  ++Replayed;
  // Used now: a CI job can drop the entries this run did not touch, as the
  // ones it wrote are new.
  (void)utimensat(AT_FDCWD, entryPath(Key).c_str(), nullptr, 0);
  return Output;
}

void ResultCache::keep(size_t Index, const WorkerOutput &Output) {
  if (!Keys[Index])
    return;
  const std::string &Key = *Keys[Index];
  std::string Payload;
  llvm::raw_string_ostream(Payload)
      << llvm::json::Value(llvm::json::Object{{"key", Key},
                                              {"outcome", toJSON(Output.Result.Result)},
                                              {"out", bytesToJSON(Output.Out)},
                                              {"err", bytesToJSON(Output.Err)},
                                              {"fixes", bytesToJSON(Output.Result.Fixes)}});
  std::string Entry = (EntryHeader + hashOf(Payload) + "\n" + Payload).str();

  // Written beside its place and renamed into it: a reader sees the old
  // entry or the new one whole, whoever else writes the same key meanwhile.
  std::string Path = entryPath(Key);
  auto Write = [&]() -> std::error_code {
    if (std::error_code EC = fs::create_directories(llvm::sys::path::parent_path(Path)))
      return EC;
    llvm::SmallString<256> Temporary;
    int FD;
    if (std::error_code EC = fs::createUniqueFile(Path + ".%%%%%%.tmp", FD, Temporary))
      return EC;
    llvm::sys::RemoveFileOnSignal(Temporary);
    std::error_code EC;
    {
      llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
      OS << Entry;
      OS.close();
      EC = OS.error();
      OS.clear_error();
    }
    if (!EC)
      EC = fs::rename(Temporary, Path);
    if (EC)
      fs::remove(Temporary);
    llvm::sys::DontRemoveFileOnSignal(Temporary);
    return EC;
  };
  // The cache only saves time: a full disk costs the next run its hits,
  // and is said once.
  if (std::error_code EC = Write(); EC && !WarnedWrite.exchange(true))
    llvm::WithColor::warning(llvm::errs(), "csp-tidy")
        << "cannot write to the cache directory '" << Dir << "': " << EC.message() << "\n";
}

} // namespace csp_tidy
