#include "MainWindow.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QTableWidget>
#include <QVBoxLayout>

#include "design/DesignAnalysis.h"

namespace strata {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle("Strata");
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    summary_ = new QLabel(central);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    dataLabel_ = new QLabel(tr("Data: none selected"), central);
    layers_ = new QTableWidget(0, 4, central);
    layers_->setHorizontalHeaderLabels({tr("Node"), tr("Type"), tr("Output shape"), tr("Parameters")});
    layers_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    layers_->verticalHeader()->setVisible(false);
    layers_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layers_->setObjectName("layerTable");
    layout->addWidget(summary_);
    layout->addWidget(dataLabel_);
    layout->addWidget(layers_, 1);
    setCentralWidget(central);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open Design..."), QKeySequence::Open, this, &MainWindow::chooseDesign);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    statusBar()->showMessage(tr("Ready"));
}

void MainWindow::chooseDesign() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open design"), QFileInfo(designPath_).absolutePath(),
                                                      tr("Strata designs (*.strata.json);;JSON (*.json)"));
    if (!path.isEmpty()) openDesign(path);
}

bool MainWindow::openDesign(const QString& path) {
    designPath_ = path;
    layers_->setRowCount(0);
    Design design;
    try {
        design = loadDesign(path.toStdString());
    } catch (const std::exception& e) {
        summary_->setText(tr("<b>Cannot open design</b><br>%1").arg(QString::fromStdString(e.what()).toHtmlEscaped()));
        statusBar()->showMessage(tr("Error in %1").arg(path));
        return false;
    }
    const DesignAnalysis analysis = analyzeDesign(design, 10);
    setWindowTitle(tr("%1 — Strata").arg(QString::fromStdString(design.name)));
    for (const NodeAnalysis& n : analysis.nodes) {
        const int row = layers_->rowCount();
        layers_->insertRow(row);
        const QStringList cells = {QString::fromStdString(n.id), QString::fromStdString(n.type),
                                   n.output.empty() ? QString("?") : QString::fromStdString(shapeToString(n.output)),
                                   QLocale().toString(qlonglong(n.parameters))};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (!n.ok) item->setForeground(Qt::red);
            layers_->setItem(row, c, item);
        }
    }
    QString text = tr("<b>%1</b> — %2 layers, %3 parameters")
                       .arg(QString::fromStdString(design.name).toHtmlEscaped())
                       .arg(analysis.nodes.size())
                       .arg(QLocale().toString(qlonglong(analysis.totalParameters)));
    for (const DesignIssue& issue : analysis.issues)
        text += "<br><span style='color:#c00'>" + QString::fromStdString(issue.text()).toHtmlEscaped() + "</span>";
    summary_->setText(text);
    statusBar()->showMessage(analysis.valid() ? tr("%1 — valid").arg(path) : tr("%1 — %2 issue(s)").arg(path).arg(analysis.issues.size()));
    return analysis.valid();
}

void MainWindow::setDataFolder(const QString& dir) { dataLabel_->setText(tr("Data: %1").arg(dir)); }

}  // namespace strata
