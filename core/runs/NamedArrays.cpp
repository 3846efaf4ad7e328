#include "runs/NamedArrays.h"

#include "storage/H5Attributes.h"
#include "storage/H5Groups.h"

#include <stdexcept>
#include <string>

namespace strata::h5 {

namespace {
std::vector<std::string> splitName(const std::string& name) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        size_t slash = name.find('/', start);
        std::string part = name.substr(start, slash == std::string::npos ? slash : slash - start);
        if (part.empty() || part == "." || part == "..")
            throw std::invalid_argument("bad array name \"" + name + "\"");
        parts.push_back(std::move(part));
        if (slash == std::string::npos) return parts;
        start = slash + 1;
    }
}

H5::Group subgroup(const H5::Group& parent, const std::string& name) {
    if (parent.nameExists(name)) return parent.openGroup(name);
    return createOrderedGroup(parent, name);
}

// The group that holds the last part of the name, creating the ones before it.
H5::Group parentOf(const H5::Group& group, const std::vector<std::string>& parts, size_t i) {
    if (i + 1 >= parts.size()) return group;
    return parentOf(subgroup(group, parts[i]), parts, i + 1);
}

struct TypeInfo {
    const H5::DataType* file;
    const H5::DataType* mem;
    const void* data;
    size_t size;
};

TypeInfo typeOf(const NamedArray& a) {
    switch (a.type) {
    case NamedArray::Type::Int64:
        return {&H5::PredType::STD_I64LE, &H5::PredType::NATIVE_INT64, a.i64.data(), a.i64.size()};
    case NamedArray::Type::UInt8:
        return {&H5::PredType::STD_U8LE, &H5::PredType::NATIVE_UINT8, a.u8.data(), a.u8.size()};
    case NamedArray::Type::Float32:
    default:
        return {&H5::PredType::IEEE_F32LE, &H5::PredType::NATIVE_FLOAT, a.f32.data(), a.f32.size()};
    }
}

void writeOne(H5::Group& group, const NamedArray& a) {
    size_t count = 1;
    std::vector<hsize_t> dims;
    for (int64_t d : a.shape) {
        if (d < 0) throw std::invalid_argument("array \"" + a.name + "\" has a negative dimension");
        dims.push_back(hsize_t(d));
        count *= size_t(d);
    }
    const TypeInfo t = typeOf(a);
    if (t.size != count)
        throw std::invalid_argument("array \"" + a.name + "\" has " + std::to_string(t.size) +
                                    " values for " + std::to_string(count) + " elements");

    const std::vector<std::string> parts = splitName(a.name);
    const H5::Group parent = parentOf(group, parts, 0);

    const H5::DataSpace space =
        dims.empty() ? H5::DataSpace(H5S_SCALAR) : H5::DataSpace(int(dims.size()), dims.data());
    H5::DataSet ds = parent.createDataSet(parts.back(), *t.file, space);
    if (count > 0) ds.write(t.data, *t.mem);
}

// "float32", "int8", ...: how a stored type is named in messages (numpy's names).
std::string typeName(const H5::DataSet& ds) {
    const H5T_class_t cls = ds.getTypeClass();
    const size_t bits = ds.getDataType().getSize() * 8;
    if (cls == H5T_FLOAT) return "float" + std::to_string(bits);
    if (cls == H5T_INTEGER)
        return (ds.getIntType().getSign() == H5T_SGN_NONE ? "uint" : "int") + std::to_string(bits);
    if (cls == H5T_STRING) return "string";
    return "a compound or other non-numeric type";
}

// Strata's three array types, exactly: a float64 or an int8 array is not converted (a reader
// would silently get other values than the writer meant).
NamedArray::Type storedType(const H5::DataSet& ds, const std::string& shown) {
    const H5T_class_t cls = ds.getTypeClass();
    const size_t size = ds.getDataType().getSize();
    if (cls == H5T_FLOAT && size == 4) return NamedArray::Type::Float32;
    if (cls == H5T_INTEGER) {
        const bool isUnsigned = ds.getIntType().getSign() == H5T_SGN_NONE;
        if (size == 8 && !isUnsigned) return NamedArray::Type::Int64;
        if (size == 1 && isUnsigned) return NamedArray::Type::UInt8;
    }
    throw std::runtime_error(shown + " is stored as " + typeName(ds) +
                             "; run files hold float32, int64 or uint8 arrays");
}

NamedArray readOne(const H5::DataSet& ds, const std::string& name, const std::string& shown) {
    NamedArray a;
    a.name = name;
    a.type = storedType(ds, shown);
    const H5::DataSpace space = ds.getSpace();
    const size_t n = size_t(readCount(space, ds.getDataType().getSize(), shown));
    const int rank = space.getSimpleExtentNdims();
    std::vector<hsize_t> dims(size_t(rank > 0 ? rank : 0));
    if (rank > 0) space.getSimpleExtentDims(dims.data());
    for (hsize_t d : dims) a.shape.push_back(int64_t(d));

    switch (a.type) {
    case NamedArray::Type::Float32:
        a.f32.resize(n);
        if (n) ds.read(a.f32.data(), H5::PredType::NATIVE_FLOAT);
        break;
    case NamedArray::Type::Int64:
        a.i64.resize(n);
        if (n) ds.read(a.i64.data(), H5::PredType::NATIVE_INT64);
        break;
    case NamedArray::Type::UInt8:
        a.u8.resize(n);
        if (n) ds.read(a.u8.data(), H5::PredType::NATIVE_UINT8);
        break;
    }
    return a;
}

// Datasets and subgroups only: a soft or external link, a named datatype or anything else in
// their place is a damaged or foreign file, not something to skip silently.
void readInto(const H5::Group& group, const std::string& prefix, const std::string& shownPrefix,
              std::vector<NamedArray>& out) {
    for (const std::string& child : childNames(group)) {
        const std::string name = prefix + child;
        const std::string shown = shownPrefix + name;
        H5L_info_t link{};
        if (H5Lget_info(group.getId(), child.c_str(), &link, H5P_DEFAULT) < 0 || link.type != H5L_TYPE_HARD)
            throw std::runtime_error(shown + " is a link, not an array");
        switch (group.childObjType(child)) {
        case H5O_TYPE_GROUP: readInto(group.openGroup(child), name + "/", shownPrefix, out); break;
        case H5O_TYPE_DATASET: out.push_back(readOne(group.openDataSet(child), name, shown)); break;
        default: throw std::runtime_error(shown + " is neither an array nor a group of arrays");
        }
    }
}
}  // namespace

void writeNamedArrays(H5::Group& group, const std::vector<NamedArray>& arrays) {
    for (const auto& a : arrays) writeOne(group, a);
}

std::vector<NamedArray> readNamedArrays(const H5::Group& group, const std::string& shownPrefix) {
    std::vector<NamedArray> out;
    readInto(group, "", shownPrefix, out);
    return out;
}

}  // namespace strata::h5
