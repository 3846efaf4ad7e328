#pragma once
#include <QMainWindow>

namespace strata {

// The studio's main window. For now: the design that was opened and its layer summary;
// the node editor, training and feature panels dock here in later steps.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace strata
