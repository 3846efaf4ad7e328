#include "storage/H5Attributes.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace strata::h5 {

H5::StrType utf8Type() {
    H5::StrType t(H5::PredType::C_S1, H5T_VARIABLE);
    t.setCset(H5T_CSET_UTF8);
    return t;
}

H5::EnumType boolType() {
    H5::EnumType t(H5::PredType::NATIVE_INT8);
    int8_t v = 0;
    t.insert("FALSE", &v);
    v = 1;
    t.insert("TRUE", &v);
    return t;
}

bool isBool(const H5::AbstractDs& ds) {
    if (ds.getTypeClass() != H5T_ENUM) return false;
    H5::EnumType e = ds.getEnumType();
    if (e.getNmembers() != 2 || e.getSize() != 1) return false;
    int8_t f = 0, t = 1;  // one byte, so the file's byte order does not matter
    try {
        return e.nameOf(&f, 16) == "FALSE" && e.nameOf(&t, 16) == "TRUE";
    } catch (const H5::Exception&) {
        return false;  // 0 or 1 is not a member
    }
}

void writeStringAttr(H5::H5Object& obj, const std::string& name, const std::string& value) {
    H5::StrType t = utf8Type();
    obj.createAttribute(name, t, H5::DataSpace(H5S_SCALAR)).write(t, value);
}

void writeStringListAttr(H5::H5Object& obj, const std::string& name,
                         const std::vector<std::string>& values) {
    H5::StrType t = utf8Type();
    hsize_t n = values.size();
    H5::Attribute a = obj.createAttribute(name, t, H5::DataSpace(1, &n));
    if (n == 0) return;
    std::vector<const char*> ptrs;
    for (const auto& v : values) ptrs.push_back(v.c_str());
    a.write(t, ptrs.data());
}

void writeInt64Attr(H5::H5Object& obj, const std::string& name, int64_t value) {
    obj.createAttribute(name, H5::PredType::STD_I64LE, H5::DataSpace(H5S_SCALAR))
        .write(H5::PredType::NATIVE_INT64, &value);
}

void writeDoubleAttr(H5::H5Object& obj, const std::string& name, double value) {
    obj.createAttribute(name, H5::PredType::IEEE_F64LE, H5::DataSpace(H5S_SCALAR))
        .write(H5::PredType::NATIVE_DOUBLE, &value);
}

namespace {
// The single-value readers read into one value: an attribute of several values would be
// written past it by HDF5.
void requireOneValue(const H5::Attribute& attr) {
    const hsize_t n = elementCount(attr.getSpace());
    if (n != 1)
        throw std::runtime_error("attribute \"" + attr.getName() + "\" holds " + std::to_string(n) +
                                 " values where one belongs");
}
}  // namespace

std::string readString(const H5::Attribute& attr) {
    requireOneValue(attr);
    H5::StrType fileType = attr.getStrType();
    std::string s;
    attr.read(fileType, s);
    // Fixed-length strings keep their NUL padding through the C++ API.
    if (!fileType.isVariableStr()) s.resize(std::min(s.size(), s.find('\0')));
    return s;
}

std::vector<std::string> readStringList(const H5::Attribute& attr) {
    const hsize_t n = readCount(attr.getSpace(), sizeof(char*), "attribute \"" + attr.getName() + "\"");
    std::vector<std::string> out;
    if (n == 0) return out;
    H5::StrType fileType = attr.getStrType();
    if (fileType.isVariableStr()) {
        H5::StrType mem = utf8Type();
        std::vector<char*> ptrs(n, nullptr);
        attr.read(mem, ptrs.data());
        for (char* p : ptrs) out.emplace_back(p ? p : "");
        H5::DataSpace space = attr.getSpace();
        H5Dvlen_reclaim(mem.getId(), space.getId(), H5P_DEFAULT, ptrs.data());
    } else {
        const size_t width = fileType.getSize();
        std::vector<char> buf(n * width);
        attr.read(fileType, buf.data());
        for (hsize_t i = 0; i < n; ++i) {
            const char* p = buf.data() + i * width;
            size_t len = 0;
            while (len < width && p[len] != '\0') ++len;
            out.emplace_back(p, len);
        }
    }
    return out;
}

int64_t readInt64(const H5::Attribute& attr) {
    requireOneValue(attr);
    int64_t v = 0;
    attr.read(H5::PredType::NATIVE_INT64, &v);
    return v;
}

double readDouble(const H5::Attribute& attr) {
    requireOneValue(attr);
    double v = 0;
    attr.read(H5::PredType::NATIVE_DOUBLE, &v);
    return v;
}

hsize_t elementCount(const H5::DataSpace& space) {
    switch (space.getSimpleExtentType()) {
    case H5S_NULL: return 0;
    case H5S_SCALAR: return 1;
    default: return hsize_t(space.getSimpleExtentNpoints());
    }
}

namespace {
thread_local uint64_t readLimitBytes = UINT64_MAX;

std::string byteSize(long double bytes) {
    const char* units[] = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    while (bytes >= 1000 && u < 6) {
        bytes /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0Lf %s" : "%.1Lf %s", bytes, units[u]);
    return buf;
}
}  // namespace

ReadLimit::ReadLimit(uint64_t fileBytes) : previous_(readLimitBytes) { readLimitBytes = fileBytes; }
ReadLimit::~ReadLimit() { readLimitBytes = previous_; }

hsize_t readCount(const H5::DataSpace& space, size_t elementBytes, const std::string& what) {
    if (space.getSimpleExtentType() != H5S_SIMPLE) return elementCount(space);
    const int rank = space.getSimpleExtentNdims();
    std::vector<hsize_t> dims(size_t(std::max(rank, 0)));
    if (rank > 0) space.getSimpleExtentDims(dims.data());
    long double bytes = (long double)(std::max<size_t>(elementBytes, 1));  // never overflows
    hsize_t count = 1;
    std::string shown;
    for (hsize_t d : dims) {
        bytes *= (long double)d;
        count *= d;
        shown += (shown.empty() ? "" : " x ") + std::to_string(d);
    }
    if (bytes > (long double)readLimitBytes)
        throw std::length_error(what + " declares " + shown + " values (" + byteSize(bytes) +
                                ") but the file holds " + byteSize((long double)readLimitBytes));
    return count;
}

}  // namespace strata::h5
