#include "MainWindow.h"

namespace strata {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle("Strata");
}

}  // namespace strata
