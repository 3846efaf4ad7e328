#pragma once
// The property panel: the selected node's id (editable), type, one editor per param of its
// layer spec (spin boxes with the registry's ranges, check boxes, a "classes" option for
// IntOrClasses), and what the analysis says about it: input and output shapes, parameter
// count and issues. Each edit is one DesignDocument::setParam (one undo step); the document
// validates. The panel follows the document's changed() signal and never writes back while
// it refreshes (signals blocked), so there are no update loops. A "Freeze" check box shows
// whether training keeps the node's weights: freezing is a training setting kept elsewhere
// (setFrozenNodes() tells the panel, freezeRequested() asks for a change), never a design edit.
#include <QHash>
#include <QSet>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <nlohmann/json.hpp>

#include "design/LayerRegistry.h"

class QCheckBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QStackedWidget;

namespace strata {

class DesignDocument;

class PropertyPanel : public QWidget {
    Q_OBJECT
public:
    explicit PropertyPanel(DesignDocument* document, QWidget* parent = nullptr);

    // Shows the node when exactly one id is given, else the empty state with a hint.
    void setSelection(const QStringList& nodeIds);
    QString nodeId() const { return nodeId_; }

    // The editor of a param of the shown node (QSpinBox, QDoubleSpinBox or QCheckBox), and
    // the "classes" box of an IntOrClasses param; nullptr when there is none. For tests and
    // for focusing a param from elsewhere (e.g. an issue naming a field).
    QWidget* editor(const QString& param) const;
    QCheckBox* classesBox(const QString& param) const;
    QLineEdit* idEdit() const { return idEdit_; }
    // The texts shown for the node's analysis (for tests): output shape, parameter count, issues.
    QString outputText() const;
    QString parametersText() const;
    QString issuesText() const;

    // Focuses the editor of `param` when the shown node has it.
    void focusParam(const QString& param);

    // The frozen node ids (of the training settings), shown on the Freeze check box.
    void setFrozenNodes(const QSet<QString>& ids);
    // Checked when the shown node is frozen; disabled, with the reason as tooltip, for a node
    // without parameters.
    QCheckBox* freezeBox() const { return freeze_; }

signals:
    // The shown node was renamed from this panel; the canvas should select the new id.
    void nodeRenamed(const QString& newId);
    // The user toggled the Freeze check box of node `id`.
    void freezeRequested(const QString& id, bool frozen);

private:
    struct ParamRow {
        ParamSpec spec;
        QWidget* editor = nullptr;     // QSpinBox, FloatSpinBox, QComboBox or QCheckBox
        QCheckBox* classes = nullptr;  // IntOrClasses only
        QLabel* label = nullptr;
    };

    void buildEmptyPage();
    void buildNodePage();
    void rebuildParams(const LayerSpec* spec);  // new editors when the node's type changes
    QWidget* makeParamEditor(ParamRow& row, const QString& name, const QString& help);
    void refresh();                              // values and analysis from the document
    void showEmpty(const QString& hint);
    // The value the node uses for `spec`: the file's, else the default (null when required).
    nlohmann::json currentValue(const ParamSpec& spec) const;
    void commit(const QString& param, const nlohmann::json& value);
    void commitRename();
    void refreshFreeze();

    QPointer<DesignDocument> document_;  // guarded: focus-out commits may come during teardown
    QString nodeId_;
    QString shownType_;
    QStringList selection_;
    QHash<QString, ParamRow> rows_;
    QStringList rowOrder_;

    QStackedWidget* stack_ = nullptr;
    QLabel* emptyHint_ = nullptr;
    QWidget* accent_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* description_ = nullptr;
    QLineEdit* idEdit_ = nullptr;
    QLabel* idError_ = nullptr;
    QCheckBox* freeze_ = nullptr;
    QSet<QString> frozen_;
    QGroupBox* paramsBox_ = nullptr;
    QFormLayout* paramsForm_ = nullptr;
    QLabel* noParams_ = nullptr;
    QLabel* inputs_ = nullptr;
    QLabel* output_ = nullptr;
    QLabel* parameters_ = nullptr;
    QLabel* issues_ = nullptr;
};

}  // namespace strata
