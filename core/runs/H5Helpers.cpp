#include "runs/H5Helpers.h"

#include <algorithm>

namespace strata::h5 {

std::mutex& libraryMutex() {
    static std::mutex m;
    return m;
}

void silenceErrors() {
    static std::once_flag once;
    std::call_once(once, [] { H5::Exception::dontPrint(); });
}

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

H5::Group createOrderedGroup(const H5::Group& parent, const std::string& name) {
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    hid_t id = H5Gcreate2(parent.getId(), name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    if (id < 0) throw H5::GroupIException("createOrderedGroup", "cannot create group " + name);
    H5::Group g(id);  // takes its own reference; drop ours
    H5Gclose(id);
    return g;
}

std::vector<std::string> childNames(const H5::Group& group) {
    H5_index_t index = H5_INDEX_NAME;
    hid_t gcpl = H5Gget_create_plist(group.getId());
    unsigned flags = 0;
    if (gcpl >= 0 && H5Pget_link_creation_order(gcpl, &flags) >= 0 &&
        (flags & H5P_CRT_ORDER_TRACKED))
        index = H5_INDEX_CRT_ORDER;
    if (gcpl >= 0) H5Pclose(gcpl);

    std::vector<std::string> names;
    const hsize_t n = group.getNumObjs();
    for (hsize_t i = 0; i < n; ++i) {
        ssize_t len = H5Lget_name_by_idx(group.getId(), ".", index, H5_ITER_INC, i, nullptr, 0,
                                         H5P_DEFAULT);
        if (len < 0) throw H5::GroupIException("childNames", "cannot list group");
        std::string name(size_t(len) + 1, '\0');
        H5Lget_name_by_idx(group.getId(), ".", index, H5_ITER_INC, i, name.data(), name.size(),
                           H5P_DEFAULT);
        name.resize(size_t(len));
        names.push_back(std::move(name));
    }
    return names;
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

std::string readString(const H5::Attribute& attr) {
    H5::StrType fileType = attr.getStrType();
    std::string s;
    attr.read(fileType, s);
    // Fixed-length strings keep their NUL padding through the C++ API.
    if (!fileType.isVariableStr()) s.resize(std::min(s.size(), s.find('\0')));
    return s;
}

std::vector<std::string> readStringList(const H5::Attribute& attr) {
    const hsize_t n = elementCount(attr.getSpace());
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
    int64_t v = 0;
    attr.read(H5::PredType::NATIVE_INT64, &v);
    return v;
}

hsize_t elementCount(const H5::DataSpace& space) {
    switch (space.getSimpleExtentType()) {
    case H5S_NULL: return 0;
    case H5S_SCALAR: return 1;
    default: return hsize_t(space.getSimpleExtentNpoints());
    }
}

}  // namespace strata::h5
