#include "storage/H5Groups.h"

namespace strata::h5 {

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

}  // namespace strata::h5
