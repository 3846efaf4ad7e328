#include "runs/ConfigAttrs.h"

#include "storage/H5Attributes.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace strata::h5 {

namespace {
using json = nlohmann::json;

bool fitsInt64(const json& v) {
    if (v.is_number_unsigned())
        return v.get<uint64_t>() <= uint64_t(std::numeric_limits<int64_t>::max());
    return v.is_number_integer();
}

template <typename Pred>
bool all(const json& arr, Pred p) {
    return std::all_of(arr.begin(), arr.end(), p);
}

void writeArray(H5::Group& g, const std::string& name, const H5::DataType& fileType,
                const H5::DataType& memType, const void* data, hsize_t n) {
    H5::Attribute a = g.createAttribute(name, fileType, H5::DataSpace(1, &n));
    if (n > 0) a.write(memType, data);
}

// Returns false when the value has no typed mapping and must be stored as JSON text.
bool writeTyped(H5::Group& g, const std::string& name, const json& v) {
    const H5::DataSpace scalar(H5S_SCALAR);
    if (v.is_string()) {
        writeStringAttr(g, name, v.get<std::string>());
    } else if (v.is_boolean()) {
        int8_t b = v.get<bool>() ? 1 : 0;
        H5::EnumType t = boolType();
        g.createAttribute(name, t, scalar).write(t, &b);
    } else if (v.is_number_integer() && fitsInt64(v)) {
        writeInt64Attr(g, name, v.get<int64_t>());
    } else if (v.is_number_float()) {
        double d = v.get<double>();
        g.createAttribute(name, H5::PredType::IEEE_F64LE, scalar)
            .write(H5::PredType::NATIVE_DOUBLE, &d);
    } else if (v.is_array()) {
        const hsize_t n = v.size();
        if (n == 0) {
            writeArray(g, name, H5::PredType::IEEE_F64LE, H5::PredType::NATIVE_DOUBLE, nullptr, 0);
        } else if (all(v, [](const json& e) { return e.is_string(); })) {
            writeStringListAttr(g, name, v.get<std::vector<std::string>>());
        } else if (all(v, [](const json& e) { return e.is_boolean(); })) {
            std::vector<int8_t> bs;
            for (const auto& e : v) bs.push_back(e.get<bool>() ? 1 : 0);
            H5::EnumType t = boolType();
            writeArray(g, name, t, t, bs.data(), n);
        } else if (all(v, [](const json& e) { return e.is_number_integer() && fitsInt64(e); })) {
            auto is = v.get<std::vector<int64_t>>();
            writeArray(g, name, H5::PredType::STD_I64LE, H5::PredType::NATIVE_INT64, is.data(), n);
        } else if (all(v, [](const json& e) { return e.is_number(); })) {
            auto ds = v.get<std::vector<double>>();
            writeArray(g, name, H5::PredType::IEEE_F64LE, H5::PredType::NATIVE_DOUBLE, ds.data(), n);
        } else {
            return false;
        }
    } else {
        return false;
    }
    return true;
}

// One attribute to JSON: a scalar value for a scalar dataspace, an array otherwise.
json readTyped(const H5::Attribute& a, const std::string& name) {
    const H5::DataSpace space = a.getSpace();
    const bool scalar = space.getSimpleExtentType() == H5S_SCALAR;
    const hsize_t n = readCount(space, sizeof(double), "/config attribute \"" + name + "\"");
    if (!scalar && n == 0) return json::array();

    switch (a.getTypeClass()) {
    case H5T_STRING:
        return scalar ? json(readString(a)) : json(readStringList(a));
    case H5T_INTEGER: {
        std::vector<int64_t> v(n);
        a.read(H5::PredType::NATIVE_INT64, v.data());
        return scalar ? json(v[0]) : json(v);
    }
    case H5T_FLOAT: {
        std::vector<double> v(n);
        a.read(H5::PredType::NATIVE_DOUBLE, v.data());
        return scalar ? json(v[0]) : json(v);
    }
    case H5T_ENUM:
        if (isBool(a)) {
            std::vector<int8_t> v(n);
            a.read(boolType(), v.data());
            json arr = json::array();
            for (int8_t b : v) arr.push_back(b != 0);
            return scalar ? arr[0] : arr;
        }
        break;
    default:
        break;
    }
    throw std::runtime_error("/config attribute \"" + name + "\" has a type Strata cannot read");
}
}  // namespace

void writeConfigAttrs(H5::Group& group, const json& config) {
    if (!config.is_object()) throw std::invalid_argument("config is not a JSON object");
    std::vector<std::string> jsonKeys;
    for (auto it = config.begin(); it != config.end(); ++it) {
        if (it.key() == kJsonKeysAttr)
            throw std::invalid_argument(std::string("config key \"") + kJsonKeysAttr +
                                        "\" is reserved");
        if (!writeTyped(group, it.key(), it.value())) {
            writeStringAttr(group, it.key(), it.value().dump());
            jsonKeys.push_back(it.key());
        }
    }
    if (!jsonKeys.empty()) writeStringListAttr(group, kJsonKeysAttr, jsonKeys);
}

json readConfigAttrs(const H5::Group& group) {
    std::set<std::string> jsonKeys;
    if (group.attrExists(kJsonKeysAttr)) {
        for (auto& k : readStringList(group.openAttribute(kJsonKeysAttr))) jsonKeys.insert(k);
    }
    json config = json::object();
    const int n = group.getNumAttrs();
    for (int i = 0; i < n; ++i) {
        H5::Attribute a = group.openAttribute(unsigned(i));
        const std::string name = a.getName();
        if (name == kJsonKeysAttr) continue;
        if (jsonKeys.count(name)) {
            if (a.getTypeClass() != H5T_STRING || elementCount(a.getSpace()) != 1)
                throw std::runtime_error("/config attribute \"" + name + "\" is listed in " + kJsonKeysAttr +
                                         " but is not one string of JSON text");
            const std::string text = readString(a);
            json v = json::parse(text, nullptr, /*allow_exceptions=*/false);
            if (v.is_discarded())
                throw std::runtime_error("/config attribute \"" + name + "\" is not valid JSON");
            config[name] = std::move(v);
        } else {
            config[name] = readTyped(a, name);
        }
    }
    return config;
}

}  // namespace strata::h5
