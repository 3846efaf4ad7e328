#pragma once
// Damaging a valid run file in place (one made by support/RunFixtures.h or by training), as a
// failing disk, a bad copy or a hand edit would, with the HDF5 C++ API in this process: the
// run-reader tests of every suite (core, e2e, ui) start from a valid file and break one thing.
// Each helper throws (std::runtime_error, H5::Exception) when it cannot do its damage: the
// test stops there with the exception's message.
#include <H5Cpp.h>

#include <QString>

#include <functional>
#include <string>
#include <vector>

namespace strata::test {

// Zeroes the run file's whole-file checksum (runs/RunFileChecksum.h), as a tool that rewrites
// the file without its user block (h5repack) would: the per-part digests then decide.
void clearFileChecksum(const std::string& path);

// Opens the run file at `path` for writing (holding the process's HDF5 lock, file locking
// off) and hands it to `edit`; the file is closed when `edit` returns, and its whole-file
// checksum cleared, so that each test reaches the per-part digest or content check it is about
// (an edit that kept the checksum is refused by it first; test_run_reader covers that).
void editRunFile(const QString& path, const std::function<void(H5::H5File&)>& edit);

// Replaces dataset `name` of `group` (or adds it) by one of `fileType` with `dims` (a scalar
// for no dims) holding `data`, of `memType`; or declared only, nothing stored nor allocated,
// when `data` is null.
void replaceDataset(H5::Group group, const std::string& name, const H5::PredType& fileType,
                    const std::vector<hsize_t>& dims, const void* data = nullptr,
                    const H5::PredType& memType = H5::PredType::NATIVE_FLOAT);

// Replaces (or adds) attribute `name` of `obj` by a 1-D float64 array of `values`.
void setDoublesAttr(H5::H5Object& obj, const std::string& name, const std::vector<double>& values);

// Fills float32 dataset `dataset` ("checkpoint/conv1.weight") with NaN.
void fillWithNaN(const QString& path, const std::string& dataset);

// Flips `count` distinct bytes of the values stored for float32 dataset `dataset`, under
// HDF5 (which notices nothing), chosen with a fixed seed. The sign-and-exponent byte of each
// value is spared: every value stays finite and plausible, so only a digest can tell.
void flipStoredBytes(const QString& path, const std::string& dataset, int count);

// Deletes the root attributes sha256_* (RunDigest.h): a file written before run files
// carried digests.
void removeDigests(const QString& path);

// Keeps the first `fraction` of the file's bytes.
void truncateFile(const QString& path, double fraction);

}  // namespace strata::test
