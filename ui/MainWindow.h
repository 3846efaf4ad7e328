#pragma once
#include <QMainWindow>
#include <QString>

class QLabel;
class QTableWidget;

namespace strata {

// The studio's main window. For now it shows the open design as a table of layers with
// their output shapes and parameter counts, and any validation issues; the node editor,
// training and feature panels dock here in later steps.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    // Loads and shows a design; on bad input shows the error in the window (never a crash)
    // and returns false.
    bool openDesign(const QString& path);
    void setDataFolder(const QString& dir);
    QString designPath() const { return designPath_; }

private:
    void chooseDesign();

    QTableWidget* layers_ = nullptr;
    QLabel* summary_ = nullptr;
    QLabel* dataLabel_ = nullptr;
    QString designPath_;
};

}  // namespace strata
